namespace VerbRing.Kernel.Handlers;

/// <summary>The verbs every kernel serves, one handler each.</summary>
internal static class BuiltInVerbs
{
    public static IVerbHandler[] Create() =>
    [
        new NopVerb(),
        new ReadVerb(),
        new WriteVerb(),
        new PollVerb(),
        new OpenVerb(),
        new CloseVerb(),
        new SeekVerb(),
        new CancelVerb(),
        new PipeVerb(),
        new FsyncVerb(),
        new LoopVerb(),
        new AddVerb(),
    ];
}
