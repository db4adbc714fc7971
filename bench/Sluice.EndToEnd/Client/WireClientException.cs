namespace Sluice.EndToEnd.Client;

/// <summary>The server refused something or answered out of protocol; the message says what and to what.</summary>
internal sealed class WireClientException(string message) : Exception(message);
