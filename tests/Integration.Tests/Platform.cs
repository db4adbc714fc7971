// The integration tests start Debian's PostgreSQL, psql and the native linux-x64 binary: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
