using System.Diagnostics.Metrics;
using VerbRing.Kernel;

namespace VerbRing.Tests.Hosting;

/// <summary>
/// Reads the VerbRing meter the way any consumer would, through a <see cref="MeterListener"/>: each
/// <see cref="Read"/> records every observable instrument once and returns its values by name (a tagged value as
/// <c>name[tag]</c>).
/// </summary>
internal sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);

    public MeterReader()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == VerbRingMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _values[tags.Length == 0 ? instrument.Name : $"{instrument.Name}[{tags[0].Value}]"] = value);
        _listener.Start();
    }

    /// <summary>Every VerbRing instrument's value now.</summary>
    public IReadOnlyDictionary<string, long> Read()
    {
        lock (_values)
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
            return new Dictionary<string, long>(_values, StringComparer.Ordinal);
        }
    }

    public void Dispose() => _listener.Dispose();
}
