namespace Sluice.Core.Approvals;

/// <summary>An approval operation was refused; the message is meant for the person or client who asked.</summary>
public sealed class ApprovalException(string message) : Exception(message);
