using CdrFunctions.Simulators.Azurite;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// One Azurite for the whole test run. Each test takes its own storage account in it
/// (<see cref="NewStorageAsync"/>), so tests share the emulator but never data: the product's fixed container
/// and table names stay as they are in production. The emulator is killed when the test process exits
/// (<see cref="AzuriteProcess"/> hooks process exit and runs a watchdog).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Accounts are fixed when Azurite starts; more than any run uses.
    private const int Accounts = 500;
    private static readonly Lazy<Task<AzuriteProcess>> Shared = new(() => AzuriteProcess.StartAsync(
        new AzuriteStartOptions { ExtraAccounts = [.. Enumerable.Range(1, Accounts).Select(AccountName)] }));
    private static int _lastAccount;

    /// <summary>The run's emulator.</summary>
    public AzuriteProcess Azurite { get; private set; } = null!;

    /// <summary>Connection string of a storage account no other test uses.</summary>
    public static async Task<string> NewStorageAsync()
    {
        var azurite = await Shared.Value;
        var n = Interlocked.Increment(ref _lastAccount);
        if (n > Accounts)
        {
            throw new InvalidOperationException($"The shared Azurite has {Accounts} test accounts and all are taken; raise AzuriteFixture.Accounts.");
        }
        return azurite.ConnectionStringFor(AccountName(n));
    }

    public async Task InitializeAsync() => Azurite = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    private static string AccountName(int n) => $"test{n:D4}";
}

/// <summary>Test classes that use storage join this collection and share its <see cref="AzuriteFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
