namespace Sluice.Masking;

/// <summary>What a rule does to the values it covers.</summary>
public enum MaskStrategyKind : byte
{
    /// <summary>Explicitly shown as is (an allowance; it also stops later rules from claiming the column).</summary>
    Clear,

    /// <summary>Replaced by a fixed marker that does not reveal the value's length.</summary>
    Redact,

    /// <summary>Every character but the last <see cref="MaskStrategy.Keep"/> replaced by '*'.</summary>
    KeepLast,

    /// <summary>An e-mail's local part hidden, its "@domain" kept.</summary>
    KeepEmailDomain,

    /// <summary>A keyed deterministic pseudonym (HMAC-SHA256), so equal values mask equally and joins work.</summary>
    Pseudonym,

    /// <summary>Replaced by NULL.</summary>
    Null,

    /// <summary>Replaced by <see cref="MaskStrategy.FixedValue"/>.</summary>
    Fixed,
}
