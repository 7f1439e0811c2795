namespace VerbRing.Verbs.Programs;

/// <summary>
/// One token: its text, its column, and for numbers the value and any unit suffix (<c>10ms</c>), for strings the
/// decoded bytes.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Column, ulong Number = 0, bool Negative = false, string Suffix = "", byte[]? Bytes = null);
