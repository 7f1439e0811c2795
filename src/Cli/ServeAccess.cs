using System.Globalization;

namespace VerbRing.Cli;

/// <summary>
/// Reads <c>verbring serve</c>'s access options — the socket file's mode and the users and groups it serves besides
/// its own — each bad value a one-line error naming the option.
/// </summary>
internal static class ServeAccess
{
    /// <summary>An octal mode of at most 777 (no setuid, setgid or sticky bits on a socket), e.g. "600" or "0660".</summary>
    public static bool TryParseMode(string? text, out UnixFileMode mode, out string error)
    {
        mode = default;
        error = $"--socket-mode '{text}' is not an octal file mode from 000 to 777 (such as 600 or 660).";
        if (string.IsNullOrEmpty(text) || text.Length > 4 || !text.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        var value = Convert.ToInt32(text, 8);
        if (value > 0x1FF) // 0777
        {
            return false;
        }

        mode = (UnixFileMode)value;
        return true;
    }

    /// <summary>User or group ids, given as repeated options or comma-separated: decimal, 0 to 4294967294.</summary>
    public static bool TryParseIds(string option, string[]? values, out uint[] ids, out string error)
    {
        var parsed = new List<uint>();
        error = "";
        foreach (var item in (values ?? []).SelectMany(v => v.Split(',')))
        {
            if (!uint.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == uint.MaxValue)
            {
                error = $"{option} '{item}' is not a numeric id (0 to 4294967294).";
                ids = [];
                return false;
            }

            parsed.Add(id);
        }

        ids = [.. parsed];
        return true;
    }
}
