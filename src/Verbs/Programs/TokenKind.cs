namespace VerbRing.Verbs.Programs;

/// <summary>The kinds of token a <c>.vr</c> line is made of.</summary>
internal enum TokenKind
{
    Identifier,
    Number,
    String,
    Comma,
    Arrow,
    Pipe,
    LeftParen,
    RightParen,
    End,
}
