namespace Sluice.EndToEnd.Servers;

/// <summary>The three configurations of the gateway the harness compares, each adding to the one before.</summary>
internal enum SluiceVariant
{
    /// <summary>Token login, credential injection, relay and the default recording.</summary>
    Relay,

    /// <summary>Plus masking of three columns of the exported table.</summary>
    Masking,

    /// <summary>Plus guardrail rules judged on every statement and a row-volume approval threshold watched on every result.</summary>
    Guardrails,
}
