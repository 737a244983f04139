using McrExport.Tests.Fakes;

namespace McrExport.Tests.Transfer;

/// <summary>Large incompressible layers, built once per test run.</summary>
internal static class BigLayers
{
    private static readonly Lazy<Layer> SixteenMiB = new(() => Layer.Random(16 << 20, 1601));
    private static readonly Lazy<Layer> TwentyFourMiB = new(() => Layer.Random(24 << 20, 2401));
    private static readonly Lazy<Layer> EightyMiB = new(() => Layer.Random(80 << 20, 8001));

    public static Layer Sixteen => SixteenMiB.Value;

    public static Layer TwentyFour => TwentyFourMiB.Value;

    /// <summary>Above the 64 MiB from which a blob is fetched over several connections (ten 8 MiB pieces).</summary>
    public static Layer Eighty => EightyMiB.Value;
}
