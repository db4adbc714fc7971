namespace Sluice.Core.Policy;

/// <summary>How a statement that needs approval waits for it.</summary>
public enum ApprovalMode
{
    /// <summary>The statement is held while an approver decides, up to the rule's timeout.</summary>
    Wait,

    /// <summary>The statement is refused with a ticket; it runs once the ticket is approved and it is sent again.</summary>
    Ticket,
}
