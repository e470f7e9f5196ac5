using Gossip.LoadGen;

// Not set here on purpose: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (socket completions inline on the runtime's
// one epoll thread) cut CPU per node at 128 nodes from 0.021 to 0.016 %, but it leaves every receive in the process to
// that one thread, and the thread pool's two cores are worth more to a large cluster under load than the saving is to
// a quiet one (docs/performance.md, "Scaling"). The knob can still be set in the environment.
return LoadGenApp.Run(args, Console.Out);
