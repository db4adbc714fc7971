namespace Sluice.Core.Recording;

/// <summary>What a client request asked for. Values are stored in recordings and never change.</summary>
public enum RequestKind : byte
{
    Query = 1,
    Parse,
    Bind,
    Execute,
    Describe,
    Close,
    FunctionCall,
    CopyFromClient,
    Other,
}
