using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>The curated container copied byte for byte into a temporary folder, for engines that read files.</summary>
internal sealed class CuratedFolder : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cdr-curated-");

    public string Root => _folder.FullName;

    /// <summary>A DuckDB glob over every curated file with this extension (calls/yyyy/MM/dd/*.ext).</summary>
    public string Glob(string extension) => Path.Combine(Root, "calls", "*", "*", "*", "*." + extension);

    public IReadOnlyList<string> Files(string extension) =>
        Directory.GetFiles(Root, "*." + extension, SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    public static async Task<CuratedFolder> DownloadAsync(BlobContainerClient container)
    {
        var folder = new CuratedFolder();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            var path = Path.Combine(folder.Root, blob.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await container.GetBlobClient(blob.Name).DownloadToAsync(path);
        }
        return folder;
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
