using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios.Hostile;

/// <summary>
/// Hostile TCP connections at one node's stream port for a while, each reconnecting as soon as the node cuts it: a third
/// drip one byte a second (a frame that never completes), a third announce a giant length, a third send garbage at
/// the full frame size behind a header that passes the first checks. Counts connections and cuts; the node counts the
/// rest.
/// </summary>
internal static class StreamAttack
{
    /// <summary>Runs <paramref name="connections"/> attackers at <paramref name="target"/> for <paramref name="duration"/>; returns (opened, cut).</summary>
    public static (long Opened, long Cut) Run(IPEndPoint target, int connections, TimeSpan duration, byte[] validHeader, int maxFrameBytes)
    {
        long opened = 0;
        long cut = 0;
        using var stop = new CancellationTokenSource(duration);
        var attackers = new Task[connections];
        for (int i = 0; i < connections; i++)
        {
            int kind = i % 3;
            attackers[i] = Task.Run(async () =>
            {
                var random = new Random(kind * 7919 + Environment.CurrentManagedThreadId);
                while (!stop.IsCancellationRequested)
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        await socket.ConnectAsync(target, stop.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref opened);
                        Task<int> closed = socket.ReceiveAsync(new byte[16], SocketFlags.None, stop.Token).AsTask();
                        await AttackAsync(socket, kind, closed, random, validHeader, maxFrameBytes, stop.Token).ConfigureAwait(false);
                        await closed.ConfigureAwait(false);
                        Interlocked.Increment(ref cut);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    catch (SocketException)
                    {
                        // Reset by the node (cut while writing), or refused at the connection cap: try again shortly.
                        Interlocked.Increment(ref cut);
                        await Delay(50, stop.Token).ConfigureAwait(false);
                    }
                }
            });
        }

        try
        {
            Task.WaitAll(attackers);
        }
        catch (AggregateException)
        {
            // Attackers end by cancellation; nothing else to report.
        }

        return (Interlocked.Read(ref opened), Interlocked.Read(ref cut));
    }

    private static async Task AttackAsync(Socket socket, int kind, Task<int> closed, Random random, byte[] header, int maxFrameBytes, CancellationToken stop)
    {
        byte[] prefix = new byte[4];
        switch (kind)
        {
            case 0:
                // Slow drip: a plausible frame, one byte a second, never complete.
                BinaryPrimitives.WriteUInt32LittleEndian(prefix, 1_000);
                byte[] drip = [.. prefix, .. header];
                for (int i = 0; !closed.IsCompleted && !stop.IsCancellationRequested; i = (i + 1) % drip.Length)
                {
                    await socket.SendAsync(drip.AsMemory(i, 1), SocketFlags.None, stop).ConfigureAwait(false);
                    await Task.WhenAny(closed, Task.Delay(1_000, stop)).ConfigureAwait(false);
                }

                break;
            case 1:
                // Giant length prefix, then silence.
                BinaryPrimitives.WriteUInt32LittleEndian(prefix, uint.MaxValue - (uint)random.Next(1_000));
                await socket.SendAsync(prefix, SocketFlags.None, stop).ConfigureAwait(false);
                break;
            default:
                // Garbage at the full frame size behind a header that passes the first checks.
                BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)maxFrameBytes);
                byte[] frame = new byte[maxFrameBytes];
                random.NextBytes(frame);
                header.CopyTo(frame, 0);
                await socket.SendAsync(prefix, SocketFlags.None, stop).ConfigureAwait(false);
                await socket.SendAsync(frame, SocketFlags.None, stop).ConfigureAwait(false);
                break;
        }
    }

    private static async Task Delay(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The attack is over.
        }
    }

    /// <summary>The first bytes of a frame the node's header check accepts: magic, version, a type, the flags the cluster expects, its id.</summary>
    public static byte[] HeaderOf(byte[] validFrame) => validFrame[..FrameHeader.Size];
}
