using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>True positives and look-alikes per detector, shared by the precision and allocation tests.</summary>
internal static class DetectorSamples
{
    internal static readonly string JwtHs256 =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
        + "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    internal static readonly string PemBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
        + "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jN\n";

    internal static string B64(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string Jwt(string header, string payload, string signature) =>
        $"{B64(header)}.{B64(payload)}.{signature}";

    internal static string Pem(string label, string body) => $"-----BEGIN {label}-----\n{body}-----END {label}-----";

    internal static readonly Dictionary<DetectorKind, string[]> Positives = new()
    {
        [DetectorKind.Email] =
        [
            "alice@example.com", "first.last@example.co.uk", "user+tag@sub.domain.org",
            "x_y-z%1@mail-server.example.net",
            "a@b.co", "UPPER@EXAMPLE.COM", "12345@numbers.io", "dev.ops@my-company.travel", "jane.doe99@uni.edu",
            "bob@xn--bcher-kva.example",
        ],
        [DetectorKind.CardNumber] =
        [
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "378282246310005",
            "3782 822463 10005", "6011111111111117", "30569309025904", "3530111333300000", "6200000000000005",
            "2223003122003222", "4012888888881881",
        ],
        [DetectorKind.UsSsn] =
        [
            "123-45-6789", "078-05-1120", "001-01-0001", "665-12-3456", "667-99-9999", "899-01-2345", "219-09-9999",
            "457-55-5462", "512-34-0001", "234-56-7890",
        ],
        [DetectorKind.Iban] =
        [
            "DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606", "NL91ABNA0417164300",
            "CH9300762011623852957", "BE68539007547034", "AT611904300234573201", "ES9121000418450200051332",
            "IT60X0542811101000000123456", "NO9386011117947", "GB82 WEST 1234 5698 7654 32",
            "DE89 3704 0044 0532 0130 00",
        ],
        [DetectorKind.Phone] =
        [
            "+1-555-0123-4567", "+1-555-0199-0001", "+14155552671", "+44 20 7946 0958", "+1 (415) 555-2671",
            "(415) 555-2671", "415-555-2671", "415.555.2671", "1-800-555-0199", "+49 30 901820", "+33 1 42 68 53 00",
            "415 555 2671", "+1.415.555.2671",
        ],
        [DetectorKind.IPv4] =
        [
            "192.168.1.10", "10.0.0.1", "255.255.255.255", "0.0.0.0", "8.8.8.8", "172.16.254.1", "127.0.0.1",
            "100.64.0.1", "203.0.113.7", "1.2.3.4",
        ],
        [DetectorKind.IPv6] =
        [
            "2001:db8::1", "::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "2001:db8:85a3::8a2e:370:7334", "::ffff:192.0.2.128", "64:ff9b::192.0.2.33", "2001:db8::", "fe80::",
            "2001:db8:0:0:1:0:0:1", "ff02::2", "2001:DB8::ABCD",
        ],
        [DetectorKind.Jwt] =
        [
            JwtHs256,
            Jwt("{\"alg\":\"RS256\"}", "{\"sub\":\"svc-etl\"}", "c2lnbmF0dXJl"),
            Jwt("{\"typ\":\"JWT\",\"alg\":\"ES256\"}", "{\"iss\":\"sluice\"}", "MEUCIQDx-_abc"),
            Jwt("{\"kid\":\"k1\",\"alg\":\"HS512\"}", "{\"exp\":1700000000}", "AAAA"),
            Jwt("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", ""),
            Jwt("{\"alg\" : \"HS256\" }", "{\"a\":1}", "sig_nature-123"),
            Jwt("{\"typ\":\"at+jwt\",\"alg\":\"PS256\"}", "{\"scope\":\"read\"}", "xyz"),
            Jwt("{\"alg\":\"EdDSA\",\"crv\":\"Ed25519\"}", "{\"n\":\"v\"}", "Zm9v"),
            $"{B64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}")}.ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn",
            Jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x5t\":\"abc\"}", "{\"long\":\"" + new string('p', 300) + "\"}",
                "s"),
        ],
        [DetectorKind.CloudAccessKey] =
        [
            "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "AROAJ2UCCR6DPCEXAMPL", "AIDAJQABLZS4A3QDU576",
            "AGPAJ5KPQ7NRD6EXAMPL", "ANPAZZZZ2222777EXAMP", "AIza" + "SyB" + new string('x', 30) + "_-",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K_L-M1n2O3p4Q", "ghp_1234567890abcdefghijABCDEFGHIJ123456",
            "gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "ghs_abcdefghijklmnopqrstuvwxyz0123456789",
        ],
        [DetectorKind.PemPrivateKey] =
        [
            Pem("PRIVATE KEY", PemBody), Pem("RSA PRIVATE KEY", PemBody), Pem("EC PRIVATE KEY", PemBody),
            Pem("OPENSSH PRIVATE KEY", PemBody), Pem("ENCRYPTED PRIVATE KEY", PemBody), Pem("DSA PRIVATE KEY", PemBody),
            Pem("PGP PRIVATE KEY BLOCK", PemBody), Pem("PRIVATE KEY", "MIIBVAIBADANBg\n"),
            Pem("PRIVATE KEY", PemBody + PemBody), Pem("PRIVATE KEY", "\n"),
        ],
    };

    internal static readonly Dictionary<DetectorKind, string[]> Negatives = new()
    {
        [DetectorKind.Email] =
        [
            "a@b", "user@localhost", "@example.com", "alice@", "alice@@example.com", "alice@example",
            "alice@example.c", "alice@192.168.1.1", "alice at example.com", "alice@-example.com", "alice.@example.com",
            "al..ice@example.com", "user@example.com1", "joe@exa_mple.com", "550e8400-e29b-41d4-a716-446655440000",
        ],
        [DetectorKind.CardNumber] =
        [
            "4111111111111112", "1234567812345678", "1705312345123456", "1705312345123459", "9111111111111111",
            "550e8400-e29b-41d4-a716-446655440000", "+1-555-0123-4567", "411111111111", "41111111111111111111",
            "4111-1111 1111-1111", "ID4111111111111111", "4111111111111111X", "4111.1111.1111.1111",
            "2024-01-15 10:30:00", "20240115103000123", "order 1000000000000001", "0.4111111111111111",
        ],
        [DetectorKind.UsSsn] =
        [
            "000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "123456789",
            "2024-01-15", "123-45-67890", "1123-45-6789", "555-123-4567", "123-45-6789-1", "12-345-6789",
            "123 45 6789", "123.45.6789", "A123-45-6789",
        ],
        [DetectorKind.Iban] =
        [
            "DE89370400440532013001", "GB82WEST12345698765433", "DE89 3704 0044 0532 0130 01", "DE8937040044",
            "de89370400440532013000", "XDE89370400440532013000", "DE89370400440532013000X", "AB12345678901234",
            "ORDER1234567890123", "DE89-3704-0044-0532-0130-00", "550e8400-e29b-41d4-a716-446655440000",
            "INV2024000012345678",
        ],
        [DetectorKind.Phone] =
        [
            "2024-01-15", "12:30:45", "192.168.1.10", "1234567890", "4155552671", "+1234", "555-0123",
            "123-456-7890", "415-155-2671", "2024-01-15T10:30:00Z", "v1.2.3", "415-555-26710", "415-555-2671X",
            "2024.01.15", "10:30:45.123", "550e8400-e29b-41d4-a716-446655440000", "+0123456789",
            "415-555.2671",
        ],
        [DetectorKind.IPv4] =
        [
            "256.1.1.1", "1.2.3", "1.2.3.4.5", "v1.2.3.4", "192.168.01.1", "1.2.3.4a", "2024.01.15", "12:30:45",
            "999.999.999.999", "1..2.3.4", "192.168.1", "3.14159", "10.0.0.256", "2.0.0.1-beta",
        ],
        [DetectorKind.IPv6] =
        [
            "12:30:45", "12:30", "00:1a:2b:3c:4d:5e", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "2001:db8::1::2",
            "2001:db8:12345::1", "std::vector", "face::", ":::", "::", "2001:db8:g::1", "10:30:45.123",
            "2024-01-15T12:30:45", "550e8400-e29b-41d4-a716-446655440000",
        ],
        [DetectorKind.Jwt] =
        [
            "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0",
            Jwt("{\"foo\":\"bar\"}", "{\"x\":1}", "sig"), Jwt("{\"alg\":\"HS256\"}", "{\"x\":1}", ""),
            "a.b.c", "www.example.com", "1.2.3", "eyJ.eyJ.eyJ", B64("{\"alg\":\"HS256\"}") + "..sig",
            "x" + JwtHs256, JwtHs256 + ".extra", B64("[\"alg\"]") + ".eyJ4IjoxfQ.sig",
            "550e8400-e29b-41d4-a716-446655440000",
        ],
        [DetectorKind.CloudAccessKey] =
        [
            "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example", "AKIAIOSFODNN0EXAMPLE",
            "AKIBIOSFODNN7EXAMPLE", "XAKIAIOSFODNN7EXAMPLE", "AIza" + new string('x', 34),
            "AIza" + new string('x', 36), "ghp_" + new string('a', 35), "ghx_" + new string('a', 36),
            "ghp_" + new string('a', 20) + "-" + new string('a', 15), "550e8400-e29b-41d4-a716-446655440000",
        ],
        [DetectorKind.PemPrivateKey] =
        [
            Pem("PUBLIC KEY", PemBody), Pem("CERTIFICATE", PemBody), "BEGIN PRIVATE KEY\n" + PemBody,
            "-----BEGIN private key-----\n" + PemBody, "----BEGIN PRIVATE KEY-----\n" + PemBody,
            "-----BEGIN PRIVATE KEY\n" + PemBody, Pem("CERTIFICATE REQUEST", PemBody),
            Pem("PGP PUBLIC KEY BLOCK", PemBody), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx user@host",
            "-----END PRIVATE KEY-----",
        ],
    };
}
