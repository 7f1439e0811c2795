using FsCheck;
using FsCheck.Fluent;

namespace VerbRing.Tests.Properties;

/// <summary>
/// For <c>[Property(Arbitrary = [typeof(Seeds)])]</c>: an <see cref="int"/> argument is a seed for <see cref="Random"/>
/// drawn from the whole non-negative range, not FsCheck's small sized integers (which would give a few hundred
/// distinct random programs at most).
/// </summary>
public static class Seeds
{
    public static Arbitrary<int> Seed() => Gen.Choose(0, int.MaxValue).ToArbitrary();
}
