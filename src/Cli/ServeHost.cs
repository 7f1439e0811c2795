using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using VerbRing.Kernel.Server;
using VerbRing.Tooling;

namespace VerbRing.Cli;

/// <summary>
/// <c>serve</c>'s host, on Microsoft.Extensions.Hosting: console logs (to stderr, one line each; systemd's format
/// and readiness notification when systemd runs it), a graceful stop on SIGTERM or Ctrl+C that tears every session
/// down and removes the socket, and, with <c>--metrics-interval</c>, the VerbRing meter logged every interval.
/// </summary>
internal static partial class ServeHost
{
    /// <summary>The logger factory serve's logs go through, built before the server so it logs from its first connection.</summary>
    public static ILoggerFactory CreateLogging(int level) => CreateLogging((LogLevel)level);

    /// <summary>A --log-level value (a LogLevel name, any case; none given is Information) as a LogLevel's number.</summary>
    public static bool TryParseLevel(string? text, out int level)
    {
        var parsed = LogLevel.Information;
        var ok = text is null || (Enum.TryParse(text, ignoreCase: true, out parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _));
        level = (int)parsed;
        return ok;
    }

    private static ILoggerFactory CreateLogging(LogLevel level) => LoggerFactory.Create(logging => ConfigureLogging(logging, level));

    /// <summary>
    /// Runs <paramref name="server"/> as a hosted service until the process is told to stop; the server is disposed
    /// (sessions torn down, socket removed) before this returns. <paramref name="started"/> runs once it serves.
    /// </summary>
    public static void Run(RingServer server, ILoggerFactory logging, bool diagnostics, TimeSpan metricsInterval, Action started)
    {
        if (diagnostics && !DiagnosticsPort.IsClosed) // said only when true: Program.cs keeps the port for a literal --diagnostics
        {
            DiagnosticsOpen(logging.CreateLogger("VerbRing.Serve"));
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(logging); // the factory the server already logs through: one set of providers
        builder.Services.AddSystemd(); // only under systemd: its lifetime (READY=1, STOPPING=1) replaces the console's
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddHostedService(_ => new RingServerService(server, logging, metricsInterval, started));
        using var host = builder.Build();
        host.Run();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.SetMinimumLevel(level);
        if (Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService())
        {
            logging.AddSystemdConsole(); // journald's priority prefixes
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }

        // Every log line to stderr: stdout carries the one "serving on" line scripts wait for.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "The diagnostic port is open (--diagnostics): any process of this user can attach, load code and read every ring")]
    private static partial void DiagnosticsOpen(ILogger logger);
}
