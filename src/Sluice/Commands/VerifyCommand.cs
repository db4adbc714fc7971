using System.CommandLine;
using Sluice.Core.Recording;

namespace Sluice.Host.Commands;

/// <summary>
/// <c>sluice verify FILE</c>: checks a recording's hash chain offline. Exit 0: intact (a crash-truncated tail
/// is reported but does not fail); exit 1: corrupt or tampered.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("file") { Description = "Recording file(s) to verify", Arity = ArgumentArity.OneOrMore };
        var command = new Command("verify", "Verify recordings' hash chains") { files };
        command.SetAction(result =>
        {
            var failed = 0;
            foreach (var file in result.GetValue(files)!)
            {
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"{file.FullName}: no such file");
                    failed++;
                    continue;
                }

                var verification = RecordingVerifier.Verify(file.FullName);
                // "not closed": the recording lacks the session end a gateway writes when it finalises a session.
                var label = (verification.Status, verification.HasSessionEnd) switch
                {
                    (VerificationStatus.Intact, true) => "OK",
                    (VerificationStatus.Intact, false) => "OK (not closed)",
                    (VerificationStatus.IntactButTruncated, true) => "OK (truncated)",
                    (VerificationStatus.IntactButTruncated, false) => "OK (truncated, not closed)",
                    _ => "CORRUPT",
                };
                Console.WriteLine(
                    $"{file.FullName}: {label}: {verification.Frames} frames, {verification.Events} events, " +
                    $"sha256 {verification.FinalHashHex ?? "-"}; {verification.Message}");
                if (verification.Status == VerificationStatus.Corrupt)
                {
                    failed++;
                }
            }

            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
