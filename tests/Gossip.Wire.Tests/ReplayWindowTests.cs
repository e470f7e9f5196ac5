using System.Security.Cryptography;

namespace Gossip.Wire.Tests;

/// <summary>Per-sender keys, counter nonces and the replay window of encrypted frames.</summary>
public sealed class ReplayWindowTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] OtherKey = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();

    private static byte[] Seal(FrameCodec codec, NodeId sender, uint generation = 1)
    {
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(Samples.Ping.TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, sender, generation, Samples.Receiver, writer.Position)];
    }

    private static WireStatus Open(FrameCodec codec, byte[] frame) => codec.Open((byte[])frame.Clone(), out _, out _);

    [Fact]
    public void EncryptedPing_Is46BytesLonger_ThanItsBody_AndCarriesAnEightByteCounter()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[] frame = Seal(codec, Samples.Sender);
        Assert.Equal(46, codec.Overhead);
        Assert.Equal(4 + 46, frame.Length); // the ping body is 4 bytes (see wire-format.md)
        Assert.Equal(FrameHeader.Size + KeyRing.CounterSize, codec.BodyOffset);
    }

    [Fact]
    public void EncryptedFrame_FollowsTheDocumentedDerivationAndNonce()
    {
        // wire-format.md: PRK = HKDF-Extract(SHA-256, "gossip-perf cluster key", cluster key); key = HKDF-Expand(PRK,
        // "gossip-perf frame" | key id | sender | generation, key length); nonce = counter | 00 00 00 00; associated data =
        // header | receiver id.
        using var ring = new KeyRing(3, Key, firstCounter: 41);
        byte[] frame = Seal(new FrameCodec(1, ring) { LocalId = Samples.Receiver }, Samples.Sender, generation: 1_700_000_000);
        Assert.Equal(3, frame[5]);
        Assert.Equal(42UL, BitConverter.ToUInt64(frame, FrameHeader.Size));

        byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, Key, "gossip-perf cluster key"u8.ToArray());
        byte[] info = [.. "gossip-perf frame"u8, 3, .. BitConverter.GetBytes(Samples.Sender.Value), .. BitConverter.GetBytes(1_700_000_000u)];
        byte[] key = HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, info);
        byte[] nonce = [.. BitConverter.GetBytes(42UL), 0, 0, 0, 0];
        int bodyLength = frame.Length - FrameHeader.Size - KeyRing.CounterSize - KeyRing.TagSize;
        byte[] plain = new byte[bodyLength];
        using var aes = new AesGcm(key, KeyRing.TagSize);
        byte[] associated = [.. frame.AsSpan(0, FrameHeader.Size), .. BitConverter.GetBytes(Samples.Receiver.Value)];
        aes.Decrypt(nonce, frame.AsSpan(FrameHeader.Size + KeyRing.CounterSize, bodyLength), frame.AsSpan(frame.Length - KeyRing.TagSize), plain, associated);
        var reader = new GossipReader(plain);
        Assert.Equal(WireStatus.Ok, Ping.TryRead(ref reader, out Ping ping));
        Assert.Equal(Samples.Ping, ping);
    }

    [Fact]
    public void ReplayedFrame_IsDropped_AsReplayed_EveryTime()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[] frame = Seal(codec, Samples.Sender);
        Assert.Equal(WireStatus.Ok, Open(codec, frame));
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(WireStatus.Replayed, Open(codec, frame));
        }
    }

    [Fact]
    public void ReorderedFrames_WithinTheWindow_AreEachAcceptedOnce()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[][] frames = Enumerable.Range(0, 300).Select(_ => Seal(codec, Samples.Sender)).ToArray();
        for (int i = frames.Length - 1; i >= 0; i -= 2)
        {
            Assert.Equal(WireStatus.Ok, Open(codec, frames[i]));
        }

        for (int i = 0; i < frames.Length; i += 2)
        {
            Assert.Equal(WireStatus.Ok, Open(codec, frames[i]));
        }

        Assert.All(frames, f => Assert.Equal(WireStatus.Replayed, Open(codec, f)));
    }

    [Fact]
    public void FrameFurtherBehindThanTheWindow_IsTooOld_AndOneJustInside_IsAccepted()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[][] frames = Enumerable.Range(0, SenderWindows.Depth + 1).Select(_ => Seal(codec, Samples.Sender)).ToArray();
        Assert.Equal(WireStatus.Ok, Open(codec, frames[^1]));
        Assert.Equal(WireStatus.TooOld, Open(codec, frames[0])); // Depth counters behind the newest
        Assert.Equal(WireStatus.Ok, Open(codec, frames[1])); // Depth - 1 behind
        Assert.Equal(WireStatus.Replayed, Open(codec, frames[1]));
    }

    [Fact]
    public void ForgedFrame_DoesNotMarkItsCounter_NorSlideTheWindow()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[] first = Seal(codec, Samples.Sender);
        byte[] second = Seal(codec, Samples.Sender);
        Assert.Equal(WireStatus.Ok, Open(codec, first));

        // A forgery far ahead of the window: it must not move the window past the genuine frames.
        byte[] forged = (byte[])second.Clone();
        BitConverter.TryWriteBytes(forged.AsSpan(FrameHeader.Size, KeyRing.CounterSize), ulong.MaxValue - 1);
        Assert.Equal(WireStatus.AuthenticationFailed, Open(codec, forged));
        byte[] badTag = (byte[])second.Clone();
        badTag[^1] ^= 1;
        Assert.Equal(WireStatus.AuthenticationFailed, Open(codec, badTag));

        Assert.Equal(WireStatus.Ok, Open(codec, second));
    }

    [Fact]
    public void TwoSenders_WithTheSameCounter_DoNotShareAKeystream()
    {
        // Two rings whose counters start at the same value (as two random salts that collided would have): the keys are
        // derived per sender, so the same plaintext under the same counter gives different ciphertexts.
        using var a = new KeyRing(1, Key, firstCounter: 1_000);
        using var b = new KeyRing(1, Key, firstCounter: 1_000);
        byte[] fromA = Seal(new FrameCodec(1, a) { LocalId = Samples.Receiver }, new NodeId(0xA));
        byte[] fromB = Seal(new FrameCodec(1, b) { LocalId = Samples.Receiver }, new NodeId(0xB));
        Assert.Equal(fromA.AsSpan(FrameHeader.Size, KeyRing.CounterSize).ToArray(), fromB.AsSpan(FrameHeader.Size, KeyRing.CounterSize).ToArray());
        Assert.NotEqual(fromA.AsSpan(FrameHeader.Size + KeyRing.CounterSize).ToArray(), fromB.AsSpan(FrameHeader.Size + KeyRing.CounterSize).ToArray());

        // And a generation is part of the key as well.
        using var c = new KeyRing(1, Key, firstCounter: 1_000);
        byte[] fromA2 = Seal(new FrameCodec(1, c) { LocalId = Samples.Receiver }, new NodeId(0xA), generation: 2);
        Assert.NotEqual(fromA.AsSpan(FrameHeader.Size + KeyRing.CounterSize).ToArray(), fromA2.AsSpan(FrameHeader.Size + KeyRing.CounterSize).ToArray());
    }

    [Fact]
    public void NewGeneration_StartsAFreshWindow_AndTheOlderGenerationIsReplayed()
    {
        using var old = new KeyRing(1, Key, firstCounter: 5_000);
        using var restarted = new KeyRing(1, Key, firstCounter: 10);
        using var receiverRing = new KeyRing(1, Key);
        var receiver = new FrameCodec(1, receiverRing) { LocalId = Samples.Receiver };
        byte[] before = Seal(new FrameCodec(1, old) { LocalId = Samples.Receiver }, Samples.Sender, generation: 1);
        byte[] beforeToo = Seal(new FrameCodec(1, old) { LocalId = Samples.Receiver }, Samples.Sender, generation: 1);
        Assert.Equal(WireStatus.Ok, Open(receiver, before));

        // The restarted process counts from a lower value: legitimate, since its generation (and so its key) is new.
        Assert.Equal(WireStatus.Ok, Open(receiver, Seal(new FrameCodec(1, restarted) { LocalId = Samples.Receiver }, Samples.Sender, generation: 2)));
        Assert.Equal(WireStatus.Replayed, Open(receiver, beforeToo));
    }

    [Fact]
    public void FrameUnderARemovedKey_IsRefused_EvenWhenItsSenderKeyWasCached()
    {
        using var sender = new KeyRing(1, Key);
        var sending = new FrameCodec(1, sender) { LocalId = Samples.Receiver };
        using var ring = new KeyRing(1, Key);
        ring.Add(2, OtherKey);
        var receiver = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        Assert.Equal(WireStatus.Ok, Open(receiver, Seal(sending, Samples.Sender)));
        byte[] later = Seal(sending, Samples.Sender);

        ring.UsePrimary(2);
        ring.Remove(1);
        Assert.Equal(WireStatus.AuthenticationFailed, Open(receiver, later));

        // Re-adding id 1 with other bytes does not bring the old key back either.
        ring.Add(1, OtherKey);
        Assert.Equal(WireStatus.AuthenticationFailed, Open(receiver, later));
    }

    [Fact]
    public void Table_IsBounded_AndForgedSenders_NeverEnterIt()
    {
        using var ring = new KeyRing(1, Key);
        var receiver = new FrameCodec(1, ring, null, replaySenders: 4) { LocalId = Samples.Receiver };
        using var senderRing = new KeyRing(1, Key);
        var sending = new FrameCodec(1, senderRing) { LocalId = Samples.Receiver };
        for (ulong id = 1; id <= 10; id++)
        {
            Assert.Equal(WireStatus.Ok, Open(receiver, Seal(sending, new NodeId(id))));
        }

        Assert.Equal(4, receiver.ReplaySenders);

        using var wrongRing = new KeyRing(1, OtherKey);
        var forging = new FrameCodec(1, wrongRing) { LocalId = Samples.Receiver };
        var fresh = new FrameCodec(1, ring, null, replaySenders: 4) { LocalId = Samples.Receiver };
        for (ulong id = 100; id < 1_100; id++)
        {
            Assert.Equal(WireStatus.AuthenticationFailed, Open(fresh, Seal(forging, new NodeId(id))));
        }

        Assert.Equal(0, fresh.ReplaySenders);
    }

    [Fact]
    public void EvictedSender_IsTheLeastRecentlyHeard()
    {
        using var ring = new KeyRing(1, Key);
        var receiver = new FrameCodec(1, ring, null, replaySenders: 2) { LocalId = Samples.Receiver };
        using var senderRing = new KeyRing(1, Key);
        var sending = new FrameCodec(1, senderRing) { LocalId = Samples.Receiver };
        byte[] fromOne = Seal(sending, new NodeId(1));
        Assert.Equal(WireStatus.Ok, Open(receiver, fromOne));
        Assert.Equal(WireStatus.Ok, Open(receiver, Seal(sending, new NodeId(2))));
        Assert.Equal(WireStatus.Ok, Open(receiver, Seal(sending, new NodeId(1))));
        Assert.Equal(WireStatus.Ok, Open(receiver, Seal(sending, new NodeId(3)))); // evicts 2, heard before 1's last frame
        Assert.Equal(WireStatus.Replayed, Open(receiver, fromOne)); // 1 kept its window
    }

    [Fact]
    public void OneRing_SealingFromManyThreads_NeverRepeatsACounter_AndEveryFrameOpens()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[][] frames = new byte[4_000][];
        Parallel.For(0, frames.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => frames[i] = Seal(codec, new NodeId((ulong)(i % 8) + 1)));
        Assert.Equal(frames.Length, frames.Select(f => BitConverter.ToUInt64(f, FrameHeader.Size)).Distinct().Count());

        using var receiverRing = new KeyRing(1, Key);
        var receiver = new FrameCodec(1, receiverRing, null, replaySenders: 0) { LocalId = Samples.Receiver };
        Assert.All(frames, f => Assert.Equal(WireStatus.Ok, Open(receiver, f)));
    }

    [Fact]
    public void WithoutWindows_AReplayedFrameOpensAgain()
    {
        using var ring = new KeyRing(1, Key);
        var codec = new FrameCodec(1, ring, null, replaySenders: 0) { LocalId = Samples.Receiver };
        byte[] frame = Seal(codec, Samples.Sender);
        Assert.Equal(WireStatus.Ok, Open(codec, frame));
        Assert.Equal(WireStatus.Ok, Open(codec, frame));
    }
}
