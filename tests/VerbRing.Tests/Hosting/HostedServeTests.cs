using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Hosting;

/// <summary>
/// Issue 16, "a hosted service": <c>verbring serve</c> in a process of its own stops on SIGTERM with exit 0, its
/// sessions torn down and logged, its socket removed; refusals are logged; <c>--metrics-interval</c> logs the meter;
/// <c>--diagnostics</c> keeps the diagnostic port open, and only then.
/// </summary>
public sealed class HostedServeTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-hosted-").FullName;

    [Fact]
    public async Task Serve_Sigterm_EndsTheSessionLogsItRemovesTheSocketAndExitsZero()
    {
        var socket = Path.Combine(_folder, "t.sock");
        using var server = CliRunner.Start("serve", "--socket", socket);
        server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
        var errors = server.StandardError.ReadToEndAsync();

        using var ring = RingClient.Connect(socket, transport: EnterTransport.Socket);
        ring.Push(Sqes.Nop());
        ring.SubmitAndWait().ShouldBe(new EnterResult(1, Errno.OK), "the session is up and serving");

        Terminate(server);

        server.WaitForExit((int)Limit.TotalMilliseconds).ShouldBeTrue("serve stops within the limit on SIGTERM");
        server.ExitCode.ShouldBe(0);
        var log = await errors;
        log.ShouldContain("Session 1 opened for uid");
        log.ShouldContain("Session 1 closed");
        log.ShouldContain("Stopping: ending 1 connections");
        File.Exists(socket).ShouldBeFalse("the socket file is removed as the server stops");
        Should.Throw<IOException>(() => RingClient.Connect(socket), "nothing listens any more");
    }

    [Fact]
    public async Task Serve_APeerPastMaxClients_IsLoggedAsARefusal()
    {
        var socket = Path.Combine(_folder, "r.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--max-clients", "1");
        server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
        var errors = server.StandardError.ReadToEndAsync();

        using (RingClient.Connect(socket))
        {
            Should.Throw<IOException>(() => RingClient.Connect(socket)).Message.ShouldContain("EAGAIN");
        }

        Terminate(server);
        server.WaitForExit((int)Limit.TotalMilliseconds).ShouldBeTrue();
        server.ExitCode.ShouldBe(0);
        var log = await errors;
        log.ShouldContain("Connection 2 from uid ");
        log.ShouldContain("refused: EAGAIN (1 rings already (--max-clients))");
    }

    [Fact]
    public async Task Serve_WithMetricsInterval_LogsTheMetersValues()
    {
        var socket = Path.Combine(_folder, "m.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--metrics-interval", "0.05");
        server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
        try
        {
            using (var ring = RingClient.Connect(socket, transport: EnterTransport.Socket))
            {
                ring.Push(Sqes.Nop());
                ring.SubmitAndWait().ShouldBe(new EnterResult(1, Errno.OK));
            }

            // Lines come every 50 ms; the first one after the session closed (its ring's counts folded into the totals
            // before it counts itself out) has all of it. Bounded by the deadline and each read's limit.
            var deadline = DateTime.UtcNow + Limit;
            string? line;
            do
            {
                line = await server.StandardError.ReadLineAsync().WaitAsync(Limit); // throws TimeoutException past it
                line.ShouldNotBeNull("serve is still running");
            }
            while (!(line.Contains("verbring.sessions.opened=1", StringComparison.Ordinal) && line.Contains("verbring.sessions.active=0", StringComparison.Ordinal))
                && DateTime.UtcNow < deadline);

            line.ShouldContain("Metrics: ");
            line.ShouldContain("verbring.sqes=1");
            line.ShouldContain("verbring.enters=1");
        }
        finally
        {
            Terminate(server);
            server.WaitForExit((int)Limit.TotalMilliseconds).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task Serve_WithDiagnostics_KeepsTheDiagnosticPortOpenAndSaysSo()
    {
        var socket = Path.Combine(_folder, "d.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--diagnostics");
        server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
        var errors = server.StandardError.ReadToEndAsync();

        var ports = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{server.Id}-*-socket");

        Terminate(server);
        server.WaitForExit((int)Limit.TotalMilliseconds).ShouldBeTrue();
        ports.ShouldNotBeEmpty("dotnet-counters can attach");
        (await errors).ShouldContain("The diagnostic port is open (--diagnostics)");
    }

    [Fact]
    public async Task Serve_UnderSystemd_NotifiesReadyOnceServingAndStoppingOnSigterm()
    {
        // systemd's side of Type=notify: a datagram socket named by NOTIFY_SOCKET. Hosting.Systemd takes the process
        // for a service when its parent is named "systemd": here a copy of sh of that name, which waits for serve.
        var notify = Path.Combine(_folder, "notify");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = (int)Limit.TotalMilliseconds };
        systemd.Bind(new UnixDomainSocketEndPoint(notify));
        var parent = Path.Combine(_folder, "systemd");
        File.Copy("/bin/sh", parent);
        var socket = Path.Combine(_folder, "n.sock");
        var start = new ProcessStartInfo(parent) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NOTIFY_SOCKET"] = notify;
        foreach (var arg in new[] { "-c", "dotnet \"$0\" \"$@\"; exit $?", Path.Combine(AppContext.BaseDirectory, "verbring.dll"), "serve", "--socket", socket })
        {
            start.ArgumentList.Add(arg);
        }

        using var shell = Process.Start(start)!;
        var errors = shell.StandardError.ReadToEndAsync();
        shell.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
        var ready = Receive(systemd); // bounded by ReceiveTimeout: a SocketException past it
        using var server = Process.GetProcessById(int.Parse(File.ReadAllText($"/proc/{shell.Id}/task/{shell.Id}/children").Trim(), CultureInfo.InvariantCulture));
        Terminate(server);
        var stopping = Receive(systemd);

        shell.WaitForExit((int)Limit.TotalMilliseconds).ShouldBeTrue();
        shell.ExitCode.ShouldBe(0, "serve's own exit code, passed on by the shell");
        ready.ShouldBe("READY=1");
        stopping.ShouldBe("STOPPING=1");
        File.Exists(socket).ShouldBeFalse();
        var log = await errors;
        log.ShouldContain("<6>VerbRing.Serve[10] Serving on", customMessage: "journald's priority prefix");
        log.ShouldNotContain("error occurred");

        static string Receive(Socket socket)
        {
            var buffer = new byte[256];
            return Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
        }
    }

    [Theory]
    [InlineData("--log-level", "loud")]
    [InlineData("--log-level", "7")]
    [InlineData("--metrics-interval", "-1")]
    public void Serve_AnOptionValueItCannotTake_IsOneLineAndNoSocket(string option, string value)
    {
        var socket = Path.Combine(_folder, "o.sock");

        var result = CliRunner.Run("serve", "--socket", socket, option, value);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldStartWith($"verbring: {option} ");
        result.Error.TrimEnd('\n').ShouldNotContain('\n');
        File.Exists(socket).ShouldBeFalse();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void Terminate(Process server)
    {
        using var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]);
        term.WaitForExit();
    }
}
