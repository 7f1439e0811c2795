using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace SnapshotTests;

/// <summary>The chains under test: in your project, the ones your code submits.</summary>
public static class Chains
{
    /// <summary>Copies /input.txt to /output.txt in one chain: two OPENs, a READ and a WRITE through registers, two CLOSEs.</summary>
    public static LinkedProgram Copy()
    {
        var p = new ProgramBuilder();
        var buf = p.Buffer("buf", 64);
        p.Open("/input.txt").To(Reg.R0).Link();
        p.Open("/output.txt", OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate).To(Reg.R1).Link();
        p.Read(Reg.R0, buf, buf.Length).To(Reg.R2).Link();
        p.Write(Reg.R1, buf, Reg.R2).To(Reg.R3).Link();
        p.Close(Reg.R0).Link();
        p.Close(Reg.R1);
        return p.Build();
    }

    /// <summary>
    /// A READ that waits on an empty pipe until a later chain writes to it, after a 5 ms sleep: on the snapshot's
    /// virtual clock the sleep costs no real time and the order never depends on the machine.
    /// </summary>
    public static string Echo() => """
        buffer buf 16
        data   msg "ping"
        pipe                                 -> r0
        read   r0.lo, buf, len(buf)          -> r1    link
        close  r0.lo
        nop                                           timeout 5ms link
        write  r0.hi, msg, len(msg)                   link
        close  r0.hi
        """;
}
