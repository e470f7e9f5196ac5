Console.WriteLine("Gossip.LoadGen: not yet");
return 0;
