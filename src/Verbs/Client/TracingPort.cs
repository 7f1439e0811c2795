namespace VerbRing.Verbs.Client;

/// <summary>
/// A client's port with the trace area read after each enter (<see cref="TraceReader"/>), so the records of a ring
/// whose server traces it arrive as the run goes, not only at the end.
/// </summary>
internal sealed class TracingPort(IRingPort inner, TraceReader reader) : IRingPort
{
    /// <summary>The records read so far.</summary>
    public TraceReader Reader => reader;

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        var result = inner.Enter(amount, wait, timeout);
        reader.Drain();
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        reader.Close(); // the last records, before the ring is torn down and the area unmapped
        inner.Dispose();
    }

    /// <inheritdoc />
    public void Close(Action release)
    {
        reader.Close();
        inner.Close(release);
    }
}
