using Gossip.LoadGen;

// Not set here on purpose: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (socket completions inline on the runtime's
// one epoll thread) cut CPU per node at 128 nodes from 0.021 to 0.016 %, but it leaves every receive in the process to
// that one thread, and 2,000 nodes joining on UDP then fell behind and melted down (7.8 million false death
// declarations) in 2 of 3 runs; without it the same run converged (docs/performance.md).
return LoadGenApp.Run(args, Console.Out);
