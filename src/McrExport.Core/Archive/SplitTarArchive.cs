namespace McrExport.Archive;

/// <summary>A tar read from its parts; reads go to the tar archive over the joined stream.</summary>
internal sealed class SplitTarArchive : ImageArchive
{
    private readonly TarImageArchive _tar;

    public SplitTarArchive(TarImageArchive tar, PartSet parts) : base(tar.Location, tar.Entries, tar.Problems)
    {
        _tar = tar;
        Parts = parts;
    }

    public override bool IsFolder => false;

    public override Stream OpenRead(string name) => _tar.OpenRead(name);
}
