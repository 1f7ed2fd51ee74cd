namespace CdrFunctions.Pipeline.Vendors;

/// <summary>The registered vendors, by name. Unknown names are an input error, not a crash.</summary>
public sealed class VendorCatalog
{
    private readonly Dictionary<string, ICdrVendor> _byName;

    public VendorCatalog(IEnumerable<ICdrVendor> vendors)
    {
        _byName = new Dictionary<string, ICdrVendor>(StringComparer.OrdinalIgnoreCase);
        foreach (var vendor in vendors)
        {
            if (!_byName.TryAdd(vendor.Name, vendor))
            {
                throw new InvalidOperationException($"Vendor '{vendor.Name}' is registered twice.");
            }
        }
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IEnumerable<ICdrVendor> All => _byName.Values;

    public bool TryGet(string? name, out ICdrVendor vendor)
    {
        vendor = null!;
        return name is not null && _byName.TryGetValue(name, out vendor!);
    }

    public ICdrVendor Get(string name) =>
        TryGet(name, out var vendor)
            ? vendor
            : throw new UnknownVendorException(name, Names);
}

public sealed class UnknownVendorException(string name, IEnumerable<string> known)
    : Exception($"Unknown vendor '{name}'. Known vendors: {string.Join(", ", known.Order())}.")
{
    public string VendorName { get; } = name;
}
