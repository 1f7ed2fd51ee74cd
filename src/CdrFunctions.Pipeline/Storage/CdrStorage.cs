using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace CdrFunctions.Pipeline.Storage;

/// <summary>
/// The blob and table clients of the data storage account, from configuration in the same shape the
/// Functions bindings use: <c>CdrStorage</c> = a connection string (default: Azurite), or
/// <c>CdrStorage:blobServiceUri</c> + <c>CdrStorage:tableServiceUri</c> (+ <c>clientId</c> for a
/// user-assigned identity) for Entra ID access with shared keys off.
/// </summary>
public sealed class CdrStorage
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private readonly Lock _ensureGate = new();
    private Task? _ensure;

    public CdrStorage(BlobServiceClient blobs, TableServiceClient tables, string describedAs)
    {
        Blobs = blobs;
        Tables = tables;
        DescribedAs = describedAs;
        Raw = blobs.GetBlobContainerClient(CdrStorageNames.RawContainer);
        Curated = blobs.GetBlobContainerClient(CdrStorageNames.CuratedContainer);
        Quarantine = blobs.GetBlobContainerClient(CdrStorageNames.QuarantineContainer);
        Calls = tables.GetTableClient(CdrStorageNames.CallsTable);
        Checkpoints = tables.GetTableClient(CdrStorageNames.CheckpointsTable);
        Receipts = tables.GetTableClient(CdrStorageNames.ReceiptsTable);
        Claims = tables.GetTableClient(CdrStorageNames.ClaimsTable);
        BlobStatus = tables.GetTableClient(CdrStorageNames.BlobStatusTable);
    }

    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }
    public BlobContainerClient Raw { get; }
    public BlobContainerClient Curated { get; }
    public BlobContainerClient Quarantine { get; }
    public TableClient Calls { get; }
    public TableClient Checkpoints { get; }
    public TableClient Receipts { get; }
    public TableClient Claims { get; }
    public TableClient BlobStatus { get; }

    /// <summary>Endpoint description for messages; never contains a key.</summary>
    public string DescribedAs { get; }

    public static CdrStorage FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(CdrStorageNames.ConnectionName);
        var connectionString = section.Value;
        var blobUri = section["blobServiceUri"];
        var tableUri = section["tableServiceUri"];
        if (string.IsNullOrWhiteSpace(connectionString) && (!string.IsNullOrWhiteSpace(blobUri) || !string.IsNullOrWhiteSpace(tableUri)))
        {
            if (string.IsNullOrWhiteSpace(blobUri) || string.IsNullOrWhiteSpace(tableUri))
            {
                throw new InvalidOperationException("CdrStorage: set both CdrStorage__blobServiceUri and CdrStorage__tableServiceUri (identity access), or CdrStorage as a connection string.");
            }
            var credential = CreateCredential(section["clientId"]);
            return new CdrStorage(
                new BlobServiceClient(new Uri(blobUri), credential, BlobOptions()),
                new TableServiceClient(new Uri(tableUri), credential, TableOptions()),
                $"{blobUri} (Entra ID)");
        }
        return FromConnectionString(string.IsNullOrWhiteSpace(connectionString) ? DevelopmentStorage : connectionString);
    }

    public static CdrStorage FromConnectionString(string connectionString)
    {
        var blobs = new BlobServiceClient(connectionString, BlobOptions());
        var tables = new TableServiceClient(connectionString, TableOptions());
        return new CdrStorage(blobs, tables, blobs.Uri.GetLeftPart(UriPartial.Authority) + blobs.Uri.AbsolutePath);
    }

    private static TokenCredential CreateCredential(string? clientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });

    private static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 4;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    private static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 4;
        return options;
    }

    /// <summary>Creates the containers and tables once per process; a refused connection becomes one clear error.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (_ensureGate)
        {
            // A failed attempt is forgotten, so a later call (after Azurite is started) tries again.
            if (_ensure is null || _ensure.IsFaulted || _ensure.IsCanceled)
            {
                _ensure = CreateAllAsync();
            }
            return _ensure.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateAllAsync()
    {
        // A refused local port fails fast instead of after the SDK's retries: that is Azurite not started.
        if (Blobs.Uri.IsLoopback && !await AcceptsConnectionsAsync(Blobs.Uri).ConfigureAwait(false))
        {
            throw new StorageUnreachableException(DescribedAs, new SocketException((int)SocketError.ConnectionRefused));
        }
        try
        {
            await Task.WhenAll(
                Raw.CreateIfNotExistsAsync(),
                Curated.CreateIfNotExistsAsync(),
                Quarantine.CreateIfNotExistsAsync(),
                Calls.CreateIfNotExistsAsync(),
                Checkpoints.CreateIfNotExistsAsync(),
                Receipts.CreateIfNotExistsAsync(),
                Claims.CreateIfNotExistsAsync(),
                BlobStatus.CreateIfNotExistsAsync()).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw new StorageUnreachableException(DescribedAs, e);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(Uri endpoint)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    internal static bool IsUnreachable(Exception e) => e switch
    {
        SocketException => true,
        HttpRequestException { InnerException: SocketException } => true,
        RequestFailedException { Status: 0 } r => r.InnerException is null || IsUnreachable(r.InnerException),
        AggregateException a => a.InnerExceptions.Any(IsUnreachable),
        _ => e.InnerException is not null && IsUnreachable(e.InnerException),
    };
}

public sealed class StorageUnreachableException(string endpoint, Exception inner)
    : Exception(Describe(endpoint), inner)
{
    private static string Describe(string endpoint) =>
        endpoint.Contains("127.0.0.1", StringComparison.Ordinal) || endpoint.Contains("localhost", StringComparison.Ordinal)
            ? $"Cannot reach storage at {endpoint}: Azurite is not running. Start it with `npx azurite@3.35.0 --inMemoryPersistence --skipApiVersionCheck` (or ./run-demo.sh, which starts it for you), or set CdrStorage to another account."
            : $"Cannot reach storage at {endpoint}: check the CdrStorage setting and the network.";
}
