namespace Sluice.Masking;

/// <summary>
/// Thrown when a row cannot be masked (its cell count or encoding is wrong). The protocol ends the statement:
/// masking fails closed rather than let an unmasked row through. The message never contains row data.
/// </summary>
public sealed class MaskingException : Exception
{
    /// <summary>Creates the exception with a message that names the problem, not the data.</summary>
    public MaskingException(string message)
        : base(message)
    {
    }
}
