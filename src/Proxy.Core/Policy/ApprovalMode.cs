namespace Sluice.Core.Policy;

/// <summary>How a statement that needs approval waits for it.</summary>
public enum ApprovalMode
{
    /// <summary>The statement is held while an approver decides, up to the rule's timeout.</summary>
    Wait,

    /// <summary>
    /// The statement is refused with a ticket; sent again once the ticket is approved, it runs.
    /// </summary>
    Ticket,
}
