using VerbRing.Verbs;

namespace VerbRing.Kernel.Tracing;

/// <summary>One enter as a trace shows it: what it asked for, what it did, and when, on the kernel's clock.</summary>
/// <param name="Amount">SQEs it asked the kernel to consume.</param>
/// <param name="Wait">CQEs it waited for.</param>
/// <param name="Consumed">SQEs the kernel consumed.</param>
/// <param name="Error">OK, or why it stopped early.</param>
/// <param name="Began">When it began, since the trace began.</param>
/// <param name="Ended">When it returned, since the trace began.</param>
public sealed record TracedEnter(uint Amount, uint Wait, uint Consumed, Errno Error, TimeSpan Began, TimeSpan Ended);
