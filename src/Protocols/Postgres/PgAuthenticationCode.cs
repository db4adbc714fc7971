namespace Sluice.Protocols.Postgres;

/// <summary>The Int32 request code of an Authentication ('R') message that the gateway handles.</summary>
public enum PgAuthenticationCode
{
    Ok = 0,
    CleartextPassword = 3,
    Md5Password = 5,
    Sasl = 10,
    SaslContinue = 11,
    SaslFinal = 12,

    /// <summary>
    /// Any other request (Kerberos, GSSAPI, SSPI); see <see cref="PgAuthenticationRequest.RawCode"/>.
    /// </summary>
    Other = -1,
}
