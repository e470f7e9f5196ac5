using System.Security.Cryptography;
using Gossip.Engine;
using Gossip.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting;

/// <summary>
/// Reads the key file again every <see cref="GossipHostOptions.KeyFileReloadInterval"/> and applies a changed file to
/// the running node's key ring: the way an operator rotates the cluster key of hosted nodes without restarting them.
/// Polls rather than watching: a poll of a small file is cheap, and it sees edits that file watchers miss (files
/// replaced by a rename, mounted secrets updated through a symbolic link, network file systems).
/// </summary>
internal sealed class KeyFileReloader(GossipNode node, IOptions<GossipHostOptions> options, ILoggerFactory? loggers = null) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggers?.CreateLogger(Log.Category) ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private Timer? _timer;
    private byte[]? _lastHash;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GossipHostOptions settings = options.Value;
        if (settings.KeyFile is null || node.Options.Keys is null || settings.KeyFileReloadInterval <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        _lastHash = HashOf(settings.KeyFile);
        _timer = new Timer(static state => ((KeyFileReloader)state!).Poll(), this, settings.KeyFileReloadInterval, settings.KeyFileReloadInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Reads the file now and applies it when its contents changed since the last read (tests call this directly).</summary>
    internal void Poll()
    {
        string path = options.Value.KeyFile!;
        KeyRing ring = node.Options.Keys!;
        lock (_gate)
        {
            try
            {
                byte[]? hash = HashOf(path);
                if (hash is null || (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash)))
                {
                    return;
                }

                _lastHash = hash;
                if (KeyFile.Apply(path, ring))
                {
                    Log.KeysReloaded(_logger, node.Id, path, ring.KeyIds, ring.PrimaryKeyId);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                Log.KeyFileRejected(_logger, ex, node.Id, path);
            }
        }
    }

    private static byte[]? HashOf(string path)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Being replaced right now, or gone for a moment: try again at the next poll.
            return null;
        }
    }
}
