using System.Net;

namespace Sluice.Core.Configuration;

/// <summary>
/// The <c>admin:</c> section: where the gateway serves its admin HTTP API. Absent, the gateway serves none.
/// A non-loopback address is accepted but the host warns: the API is plain HTTP, so bearer tokens sent to it
/// cross the network unencrypted.
/// </summary>
public sealed class AdminConfig
{
    /// <summary>Address and port of the admin API, such as 127.0.0.1:6480; null when there is no admin API.</summary>
    public IPEndPoint? Listen { get; init; }
}
