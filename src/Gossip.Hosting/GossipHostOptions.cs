using System.Net;
using Gossip.Engine;

namespace Gossip.Hosting;

/// <summary>
/// Configuration of a hosted gossip node, bindable from configuration (section "Gossip" by default).
/// Protocol tunables live in <see cref="Node"/>; network placement here.
/// </summary>
public sealed class GossipHostOptions
{
    /// <summary>Address and port to bind the UDP socket (and TCP listener) to. Default "127.0.0.1:7946".</summary>
    public string Bind { get; set; } = "127.0.0.1:7946";

    /// <summary>Address and port peers should use, when it differs from <see cref="Bind"/> (containers, NAT). Default null: the bound address.</summary>
    public string? Advertise { get; set; }

    /// <summary>Seeds to join, as "host:port" entries. Default empty: start a new cluster.</summary>
    public IList<string> Seeds { get; } = [];

    /// <summary>
    /// Path of the cluster key file: one 16, 24 or 32-byte AES-GCM key (raw or hex), or lines of <c>ID HEX</c> with the
    /// primary key first (see <see cref="Hosting.KeyFile"/>). Required unless <c>Node.AllowPlaintext</c> is true: without
    /// either the node refuses to start (<see cref="ClusterKeyRequiredException"/>). The file is read again every
    /// <see cref="KeyFileReloadInterval"/>, so keys rotate while the node runs. Default null.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// How often the <see cref="KeyFile"/> is read again; a changed file is applied to the running node's key ring (keys
    /// added, the primary switched, keys removed). A file that does not parse is logged and the keys stay as they were.
    /// <see cref="TimeSpan.Zero"/> reads it only at start. Default 5 seconds.
    /// </summary>
    public TimeSpan KeyFileReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Protocol options of the node (interval, fanout, mode, limits...).</summary>
    public GossipOptions Node { get; set; } = new();

    /// <summary>Parses <see cref="Bind"/>.</summary>
    public IPEndPoint BindEndPoint() => ParseEndPoint(Bind, nameof(Bind));

    /// <summary>Parses <see cref="Advertise"/>, or null.</summary>
    public IPEndPoint? AdvertiseEndPoint() => Advertise is null ? null : ParseEndPoint(Advertise, nameof(Advertise));

    internal static IPEndPoint ParseEndPoint(string text, string name)
    {
        if (IPEndPoint.TryParse(text, out IPEndPoint? endPoint))
        {
            return endPoint;
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port))
        {
            IPAddress[] addresses = Dns.GetHostAddresses(text[..colon]);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], port);
            }
        }

        throw new ArgumentException($"GossipHostOptions.{name} '{text}' is not host:port.", name);
    }
}
