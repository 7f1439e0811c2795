using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Cli;

/// <summary>
/// The hosted service around a running <see cref="RingServer"/>: says it serves once the host started, optionally
/// logs the VerbRing meter every interval (a metrics path that needs no diagnostic port), and disposes the server when
/// the host stops — every session torn down, the socket file removed.
/// </summary>
internal sealed partial class RingServerService(RingServer server, ILoggerFactory logging, TimeSpan metricsInterval, Action started) : IHostedService, IDisposable
{
    private readonly ILogger _log = logging.CreateLogger("VerbRing.Serve");
    private readonly SortedDictionary<string, long> _values = new(StringComparer.Ordinal);
    private MeterListener? _listener;
    private Timer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Serving(_log, server.SocketPath);
        if (metricsInterval > TimeSpan.Zero)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == VerbRingMetrics.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.Start();
            _timer = new Timer(_ => LogMetrics(), null, metricsInterval, metricsInterval);
        }

        started();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stopping(_log, server.ClientCount);
        _timer?.Dispose();
        server.Dispose();
        Stopped(_log);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _listener?.Dispose();
    }

    /// <summary>One line with every VerbRing instrument's value now (per-verb errors only where non-zero).</summary>
    private void LogMetrics()
    {
        if (!_log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        lock (_values)
        {
            _values.Clear();
            _listener!.RecordObservableInstruments();
            var line = string.Join(' ', _values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));
            Metrics(_log, line);
        }
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var name = instrument.Name;
        if (tags.Length > 0)
        {
            if (value == 0)
            {
                return;
            }

            name = $"{name}[{tags[0].Value}]";
        }

        _values[name] = value;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Serving on {SocketPath}")]
    private static partial void Serving(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Stopping: ending {Clients} connections")]
    private static partial void Stopping(ILogger logger, int clients);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Stopped")]
    private static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Metrics: {Values}")]
    private static partial void Metrics(ILogger logger, string values);
}
