using Gossip.LoadGen;

// Socket completions run inline on the runtime's epoll thread instead of hopping to a thread-pool worker. A gossip
// node's receive handling is short and never blocks (an idle node handles a frame inline, a busy one queues a copy),
// so one thread serves every socket in the process and a datagram costs one wake-up instead of two. Read once, when
// the first socket is created, so it must be set before anything touches a socket. Paired targets runs: CPU per
// node 0.021 -> 0.016 % (docs/performance.md). An explicit setting in the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

return LoadGenApp.Run(args, Console.Out);
