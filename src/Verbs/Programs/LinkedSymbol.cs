namespace VerbRing.Verbs.Programs;

/// <summary>One symbol laid out in a program's image.</summary>
/// <param name="Name">Its name (a literal's is synthetic).</param>
/// <param name="Offset">Its offset in the image.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Initial">Initial bytes for data; null for buffers.</param>
/// <param name="IsLiteral">Whether it holds a string literal written inline.</param>
internal sealed record LinkedSymbol(string Name, uint Offset, uint Size, byte[]? Initial, bool IsLiteral);
