using System.Runtime.CompilerServices;
using System.Text;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// Composes a linked program in C#: each verb with its named parameters, <c>To(register)</c> to save, and
/// <c>Link()</c>, <c>HardLink()</c>, <c>Timeout()</c>, <c>Tag()</c> per step. It builds the same model as the
/// <c>.vr</c> assembler and goes through the same verifier; diagnostics point at the C# line that wrote the step.
/// Unused specifiers are always 7 (none).
/// </summary>
public sealed class ProgramBuilder
{
    private readonly ProgramModel _program;
    private int _literals;

    /// <summary>A new, empty program.</summary>
    public ProgramBuilder(string name = "builder") => _program = new ProgramModel { File = name };

    /// <summary>The model built so far.</summary>
    public ProgramModel Model => _program;

    /// <summary>Declares a zeroed buffer.</summary>
    public BufferRef Buffer(string name, uint size, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, size, null, Where(file, line));

    /// <summary>Declares data holding <paramref name="text"/> in UTF-8.</summary>
    public BufferRef Data(string name, string text, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, (uint)Encoding.UTF8.GetByteCount(text ?? throw new ArgumentNullException(nameof(text))), Encoding.UTF8.GetBytes(text), Where(file, line));

    /// <summary>Declares data holding <paramref name="bytes"/>.</summary>
    public BufferRef Data(string name, byte[] bytes, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, (uint)(bytes ?? throw new ArgumentNullException(nameof(bytes))).Length, [.. bytes], Where(file, line));

    /// <summary>Sets a register before the program runs.</summary>
    public ProgramBuilder Set(Reg register, ulong value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        _program.Sets.Add(new RegisterInit(register.IsNone ? throw new ArgumentException("Name a register.", nameof(register)) : register, value, Where(file, line)));
        return this;
    }

    /// <summary>NOP.</summary>
    public StepBuilder Nop([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Step("nop", [], file, line);

    /// <summary>READ count bytes from fd into buffer; offset null means CUR.</summary>
    public StepBuilder Read(BuilderOperand fd, BuilderOperand buffer, BuilderOperand count, BuilderOperand? offset = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("read", offset is { } o ? [fd, buffer, count, o] : [fd, buffer, count], file, line);

    /// <summary>WRITE count bytes from buffer to fd; offset null means CUR.</summary>
    public StepBuilder Write(BuilderOperand fd, BuilderOperand buffer, BuilderOperand count, BuilderOperand? offset = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("write", offset is { } o ? [fd, buffer, count, o] : [fd, buffer, count], file, line);

    /// <summary>POLL fd for events.</summary>
    public StepBuilder Poll(BuilderOperand fd, BuilderOperand events, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("poll", [fd, events], file, line);

    /// <summary>OPEN a path (a string or data); flags default to READ, dir to NONE.</summary>
    public StepBuilder Open(BuilderOperand path, BuilderOperand? flags = null, BuilderOperand? dir = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("open", dir is { } d ? [path, flags ?? OpenFlags.Read, d] : flags is { } f ? [path, f] : [path], file, line);

    /// <summary>CLOSE fd.</summary>
    public StepBuilder Close(BuilderOperand fd, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Step("close", [fd], file, line);

    /// <summary>SEEK fd by offset from whence.</summary>
    public StepBuilder Seek(BuilderOperand fd, BuilderOperand offset, BuilderOperand whence, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("seek", [fd, offset, whence], file, line);

    /// <summary>CANCEL the pending steps tagged <paramref name="tag"/>: ALL (default) or ANY (the oldest).</summary>
    public StepBuilder Cancel(BuilderOperand tag, BuilderOperand? mode = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("cancel", mode is { } m ? [tag, m] : [tag], file, line);

    /// <summary>PIPE: save the result and use <c>Reg.R0.Low</c> (read end) and <c>Reg.R0.High</c> (write end) as fds.</summary>
    public StepBuilder Pipe([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Step("pipe", [], file, line);

    /// <summary>FSYNC fd: make what was written through it durable.</summary>
    public StepBuilder Fsync(BuilderOperand fd, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Step("fsync", [fd], file, line);

    /// <summary>
    /// LOOP (VerbRing's extension): the steps <paramref name="body"/> adds run again and again while
    /// <paramref name="left"/> <paramref name="compare"/> <paramref name="right"/> holds, at most
    /// <paramref name="bound"/> times. The LOOP must be linked to its body and each body step must be
    /// <c>SkipSuccess()</c> and linked to the next; the verifier says so otherwise.
    /// </summary>
    public StepBuilder Loop(
        BuilderOperand left, LoopCompare compare, BuilderOperand right, BuilderOperand bound, Action<ProgramBuilder> body,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        var head = Step("loop", [left, (ulong)compare, right, bound], file, line);
        var index = _program.Steps.Count - 1;
        body(this);
        var loop = _program.Steps[index];
        var args = loop.Args.ToArray();
        args[4] = UnlinkedOperand.Immediate((ulong)(_program.Steps.Count - 1 - index), loop.Where);
        _program.Steps[index] = loop with { Args = args };
        return head;
    }

    /// <summary>ADD (VerbRing's extension): a + b.</summary>
    public StepBuilder Add(BuilderOperand a, BuilderOperand b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("add", [a, b], file, line);

    /// <summary>Any op (a custom verb) with up to five plain arguments.</summary>
    public StepBuilder Op(uint op, BuilderOperand[] args, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Add(Assembler.RawVerb(op), args, raw: true, Where(file, line));
    }

    /// <summary>The verifier's findings for a ring of <paramref name="capacity"/>.</summary>
    public List<Diagnostic> Check(RingCapacity? capacity = null) => Verifier.Check(_program, capacity ?? new RingCapacity());

    /// <summary>Checks and links; throws <see cref="ProgramException"/> when the verifier finds an error.</summary>
    public LinkedProgram Build(RingCapacity? capacity = null) => ProgramLinker.Link(_program, capacity ?? new RingCapacity());

    internal void Replace(int index, ProgramStep step) => _program.Steps[index] = step;

    internal ProgramStep StepAt(int index) => _program.Steps[index];

    private static SourceSpan Where(string file, int line) => new(Path.GetFileName(file), line, 1);

    private BufferRef Declare(string name, uint size, byte[]? initial, SourceSpan where)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_program.FindSymbol(name) is not null || Assembler.IsReserved(name))
        {
            throw new ArgumentException($"'{name}' is already declared or reserved.", nameof(name));
        }

        _program.Symbols.Add(new SymbolDecl(name, size, initial, where));
        return new BufferRef(name, size);
    }

    private StepBuilder Step(string verb, BuilderOperand[] args, string file, int line) =>
        Add(VerbCatalogue.Find(verb)!, args, raw: false, Where(file, line));

    private StepBuilder Add(VerbInfo verb, BuilderOperand[] args, bool raw, SourceSpan where)
    {
        if (args.Length > verb.Params.Count)
        {
            throw new ArgumentException($"{verb.Name} takes at most {verb.Params.Count} arguments.", nameof(args));
        }

        var slots = new UnlinkedOperand?[5];
        for (var i = 0; i < verb.Params.Count; i++)
        {
            var param = verb.Params[i];
            if (i >= args.Length)
            {
                slots[param.Arg] ??= UnlinkedOperand.Immediate(param.Default ?? 0, where);
                continue;
            }

            Fill(param, args[i], slots, where);
        }

        _program.Steps.Add(new ProgramStep
        {
            Verb = verb,
            Args = [.. slots.Select(s => s ?? UnlinkedOperand.Immediate(0, where))],
            IsRaw = raw,
            Where = where,
        });
        return new StepBuilder(this, _program.Steps.Count - 1);
    }

    private void Fill(VerbParam param, BuilderOperand arg, UnlinkedOperand?[] slots, SourceSpan where)
    {
        switch (arg.Kind)
        {
            case OperandKind.Register when param.Kind == ParamKind.Path:
                throw new ArgumentException($"'{param.Name}' is a path: pass a string or a data buffer, not a register.");
            case OperandKind.Register:
                slots[param.Arg] = UnlinkedOperand.Load(arg.Register, where, (LoadModifier)arg.Value);
                return;
            case OperandKind.Length:
                slots[param.Arg] = UnlinkedOperand.LengthOf(arg.Buffer!.Name, where);
                return;
            case OperandKind.Address:
                var symbol = arg.Buffer?.Name ?? Literal(arg.Text!, where);
                slots[param.Arg] = UnlinkedOperand.AddressOf(symbol, where);
                if (param.Kind == ParamKind.Path)
                {
                    slots[param.Arg + 1] = UnlinkedOperand.LengthOf(symbol, where);
                }

                return;
            default:
                if (param.Kind == ParamKind.Path)
                {
                    throw new ArgumentException($"'{param.Name}' is a path: pass a string or a data buffer.");
                }

                slots[param.Arg] = UnlinkedOperand.Immediate(arg.Value, where);
                return;
        }
    }

    private string Literal(string text, SourceSpan where)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var name = $"\"{text}\"#{_literals++}";
        _program.Symbols.Add(new SymbolDecl(name, (uint)bytes.Length, bytes, where, IsLiteral: true));
        return name;
    }
}

/// <summary>The step just added: save its result, link it, skip its success, drain, give it a timeout or a tag.</summary>
public sealed class StepBuilder
{
    private readonly ProgramBuilder _builder;
    private readonly int _index;

    internal StepBuilder(ProgramBuilder builder, int index)
    {
        _builder = builder;
        _index = index;
    }

    /// <summary>Saves the result into <paramref name="register"/>.</summary>
    public StepBuilder To(Reg register) => With(s => s with { Save = register });

    /// <summary>The next step runs only if this one succeeds.</summary>
    public StepBuilder Link() => With(s => s with { Link = SqeLink.Link });

    /// <summary>The next step runs whatever this one's outcome.</summary>
    public StepBuilder HardLink() => With(s => s with { Link = SqeLink.HardLink });

    /// <summary>SKIP_SUCCESS: a success posts no CQE (a failure still does).</summary>
    public StepBuilder SkipSuccess() => With(s => s with { Skip = true });

    /// <summary>DRAIN: the chain this step heads starts only after every earlier step has completed.</summary>
    public StepBuilder Drain() => With(s => s with { Drain = true });

    /// <summary>A timeout (nanosecond resolution); <see cref="Timeout.InfiniteTimeSpan"/> means never.</summary>
    public StepBuilder Timeout(TimeSpan timeout) =>
        With(s => s with { Timeout = timeout == System.Threading.Timeout.InfiniteTimeSpan ? ulong.MaxValue : checked((ulong)(timeout.Ticks * 100)) });

    /// <summary>The SQE's data cookie (default: the step's index).</summary>
    public StepBuilder Tag(ulong tag) => With(s => s with { Tag = tag });

    private StepBuilder With(Func<ProgramStep, ProgramStep> change)
    {
        _builder.Replace(_index, change(_builder.StepAt(_index)));
        return this;
    }
}
