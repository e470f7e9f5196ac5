using System.Reflection;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary><c>version</c>: the build's version and a codec self-check (seal and open a frame, plain and AES-GCM).</summary>
internal static class VersionCommand
{
    public static int Run(TextWriter output)
    {
        string version = typeof(FrameCodec).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        output.WriteLine($"Gossip.Perf {version}, protocol version {FrameHeader.CurrentVersion}, .NET {Environment.Version}");
        bool plain = SelfCheck(new FrameCodec(7) { LocalId = new NodeId(6) });
        using var keys = new KeyRing(1, new byte[32]);
        bool sealedOk = SelfCheck(new FrameCodec(7, keys) { LocalId = new NodeId(6) });
        output.WriteLine($"codec self-check: plain {(plain ? "ok" : "FAILED")}, AES-GCM {(sealedOk ? "ok" : "FAILED")}");
        return plain && sealedOk ? 0 : 1;
    }

    private static bool SelfCheck(FrameCodec codec)
    {
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        var ping = new Ping(42, 1234);
        if (!ping.TryWrite(ref writer))
        {
            return false;
        }

        int length = codec.Seal(frame, MessageType.Ping, FrameFlags.None, new NodeId(5), 1, new NodeId(6), writer.Position);
        if (codec.Open(frame.AsSpan(0, length), out FrameHeader header, out ReadOnlySpan<byte> body) != WireStatus.Ok)
        {
            return false;
        }

        var reader = new GossipReader(body);
        return header.Sender == new NodeId(5) && Ping.TryRead(ref reader, out Ping back) == WireStatus.Ok && back == ping;
    }
}
