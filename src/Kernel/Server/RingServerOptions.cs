using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VerbRing.Kernel.Server;

/// <summary>What a server gives each client.</summary>
public sealed record RingServerOptions
{
    /// <summary>The kernel limits of every client's ring (sizes come from the client's setup request).</summary>
    public RingOptions Ring { get; init; } = new();

    /// <summary>The most user memory a client may ask for (default 16 MiB).</summary>
    public uint MaxUserMemory { get; init; } = 16u << 20;

    /// <summary>
    /// Rings at most (default 256): a setup request past it is refused — errno EAGAIN, a = this limit — and the
    /// connection closed. Connections still setting up do not count; <see cref="MaxConnectionsInSetup"/> bounds them.
    /// </summary>
    public int MaxClients { get; init; } = 256;

    /// <summary>
    /// How long a new connection may take for its whole setup — from accept to the first request after the setup
    /// reply — however it spreads its bytes (default 10 s). Past it the server replies ETIMEDOUT and closes it.
    /// </summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connections in setup at most (default 1024): they cost no thread, but a descriptor each; one more makes the
    /// server refuse the oldest of them (EAGAIN, a = 0) and close it.
    /// </summary>
    public int MaxConnectionsInSetup { get; init; } = 1024;

    /// <summary>The clock of the setup deadlines (default the system's; tests drive a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The socket file's mode (default 0600: only the server's user can connect). A group that needs the server
    /// gets 0660 here and its gid in <see cref="AllowedGroups"/>: the mode lets it connect, the list lets it in.
    /// </summary>
    public UnixFileMode SocketMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Users besides the server's own whose connections it serves (checked with SO_PEERCRED).</summary>
    public IReadOnlyCollection<uint> AllowedUsers { get; init; } = [];

    /// <summary>Groups whose members it serves too: a peer's group or any of its supplementary groups.</summary>
    public IReadOnlyCollection<uint> AllowedGroups { get; init; } = [];

    /// <summary>Where the server logs sessions opened and closed and connections refused (default: nowhere).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
