using System.Text.Json.Serialization;

namespace Sluice.Core.Approvals;

/// <summary>
/// Source-generated JSON for approval state files and webhook bodies: the native binary has no reflection
/// serializer. Nullable annotations and constructor parameters are enforced so a truncated or hand-edited
/// file fails to load instead of producing a request with null fields.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApprovalRequest))]
[JsonSerializable(typeof(ApprovalWebhookPayload))]
internal sealed partial class ApprovalJsonContext : JsonSerializerContext;
