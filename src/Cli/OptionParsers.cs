using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace VerbRing.Cli;

/// <summary>
/// Parsers for option values that answer bad text with one line naming the option and what it takes — never a
/// .NET type name (<c>System.Nullable`1[System.Int32]</c>) and never an exception: numbers, durations, and the
/// one spelling of <c>--kernel</c>.
/// </summary>
internal static class OptionParsers
{
    /// <summary>The longest <c>--timeout</c>: a year, far past any real wait, far below TimeSpan's overflow.</summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromDays(365);

    /// <summary>
    /// Gives every number and path option of <paramref name="command"/> and its subcommands that has no parser of its
    /// own one whose error says the option and what it takes (System.CommandLine's own names the .NET type).
    /// </summary>
    public static void ParseReadably(Command command)
    {
        foreach (var option in command.Options)
        {
            _ = option switch
            {
                Option<int> o when o.CustomParser is null => o.Number(),
                Option<uint> o when o.CustomParser is null => o.Number(),
                Option<long> o when o.CustomParser is null => o.Number(),
                Option<double> o when o.CustomParser is null => o.Number(),
                Option<int?> o when o.CustomParser is null => o.OptionalNumber(),
                Option<uint?> o when o.CustomParser is null => o.OptionalNumber(),
                Option<long?> o when o.CustomParser is null => o.OptionalNumber(),
                Option<double?> o when o.CustomParser is null => o.OptionalNumber(),
                Option<FileInfo?> o when o.CustomParser is null => o.Path(text => new FileInfo(text)),
                Option<FileInfo> o when o.CustomParser is null => o.Path(text => new FileInfo(text)),
                Option<DirectoryInfo?> o when o.CustomParser is null => o.Path(text => new DirectoryInfo(text)),
                _ => option,
            };
        }

        foreach (var subcommand in command.Subcommands)
        {
            ParseReadably(subcommand);
        }
    }

    /// <summary>Gives a number option a parser whose error says the option and its range.</summary>
    public static Option<T> Number<T>(this Option<T> option)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        option.CustomParser = result => ParseNumber<T>(option.Name, result);
        option.HelpName ??= Integral<T>() ? "n" : "number";
        return option;
    }

    /// <summary>The same for an optional number (no default).</summary>
    public static Option<T?> OptionalNumber<T>(this Option<T?> option)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        option.CustomParser = result => ParseNumber<T>(option.Name, result);
        option.HelpName ??= Integral<T>() ? "n" : "number";
        return option;
    }

    /// <summary>Gives a path option a parser that refuses an empty path, or one .NET cannot take, in one line.</summary>
    public static Option<T> Path<T>(this Option<T> option, Func<string, T> create)
    {
        option.CustomParser = result =>
        {
            var text = LastToken(result);
            if (text.Length > 0 && !text.Contains('\0', StringComparison.Ordinal))
            {
                try
                {
                    return create(text);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    result.AddError($"{option.Name} {text}: {e.Message}");
                    return default;
                }
            }

            result.AddError($"{option.Name} {Quote(text)}: write a path (it is empty or holds a NUL character)");
            return default;
        };
        return option;
    }

    /// <summary>Restricts a string option to <paramref name="choices"/>, with an error that lists them.</summary>
    public static Option<string> OneOf(this Option<string> option, IEnumerable<string> choices)
    {
        var allowed = choices.ToArray();
        option.HelpName = string.Join('|', allowed);
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[^1].Value is var text && !allowed.Contains(text, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} {Quote(text)}: write one of {string.Join(", ", allowed)}");
            }
        });
        return option;
    }

    /// <summary>A duration: a number with s, ms, us or ns (10s, 500ms), from 0 to <see cref="LongestDuration"/>.</summary>
    public static TimeSpan ParseDuration(string option, ArgumentResult result)
    {
        var text = LastToken(result);
        var units = new (string Suffix, double Seconds)[] { ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value) && value >= 0)
            {
                if (value * seconds > LongestDuration.TotalSeconds)
                {
                    result.AddError($"{option} {text}: at most {LongestDuration.TotalSeconds:0}s (a year)");
                    return default;
                }

                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        result.AddError($"{option} {Quote(text)}: write a number with s, ms, us or ns (e.g. 10s)");
        return default;
    }

    /// <summary>How a duration is written on the command line (10s, 500ms): what <c>--help</c> shows as a default.</summary>
    public static string FormatDuration(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerSecond == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms");

    private static T ParseNumber<T>(string option, ArgumentResult result)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        var text = LastToken(result);
        var integral = Integral<T>();
        var style = integral ? NumberStyles.Integer : NumberStyles.Float;
        if (T.TryParse(text, style, CultureInfo.InvariantCulture, out var value) && (integral || double.IsFinite(double.CreateChecked(value))))
        {
            return value;
        }

        result.AddError(integral
            ? string.Create(CultureInfo.InvariantCulture, $"{option} {Quote(text)}: write a whole number from {T.MinValue} to {T.MaxValue}")
            : $"{option} {Quote(text)}: write a number (like 2 or 0.5)");
        return default;
    }

    private static bool Integral<T>()
        where T : struct, INumber<T> => T.IsZero(T.One / (T.One + T.One));

    private static string LastToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static string Quote(string text) => text.Length == 0 ? "''" : text;
}
