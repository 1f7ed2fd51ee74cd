using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Cli;

/// <summary>Turns the failures a user can act on into one line on stderr and an exit code; the rest crash loudly.</summary>
internal static class CliErrors
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (StorageUnreachableException e)
        {
            return Fail(e.Message, Failed);
        }
        catch (UnknownVendorException e)
        {
            return Fail(e.Message, Usage);
        }
        catch (LookupArgumentException e)
        {
            return Fail(e.Message, Usage);
        }
        catch (OptionsValidationException e)
        {
            return Fail($"invalid configuration: {string.Join(" ", e.Failures)}", Usage);
        }
        catch (VendorApiException e)
        {
            return Fail(e.Message, Failed);
        }
    }

    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"cdr: {message}");
        return code;
    }
}
