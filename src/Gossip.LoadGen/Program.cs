using Gossip.LoadGen;

return LoadGenApp.Run(args, Console.Out);
