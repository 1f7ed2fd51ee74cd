using System.ComponentModel.DataAnnotations;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// What every vendor section (<c>Vendors:{Vendor}</c>) has besides the vendor's own settings: the pull schedule,
/// the vendor's time zone and phone region, HTTP resilience, and the checks, URL and secret handling they
/// share. A vendor's options class derives from this and adds its own settings and checks.
/// </summary>
public abstract class VendorOptions : IValidatableObject
{
    protected VendorOptions(string defaultTimeZone, string defaultRegion)
    {
        TimeZone = defaultTimeZone;
        DefaultRegion = defaultRegion;
        Section = "Vendors:" + GetType().Name.Replace("Options", "", StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>Enabled</c>, <c>Schedule</c>, <c>WindowSize</c>, ... : read from the vendor's section itself (not a
    /// <c>Pull</c> sub-section), so the keys stay <c>Vendors:{Vendor}:Schedule</c> and so on.
    /// </summary>
    [SameSection]
    public PullSchedule Pull { get; set; } = new();

    /// <summary>IANA zone of the vendor's local times.</summary>
    public string TimeZone { get; set; }

    /// <summary>ISO region for numbers written without a country code.</summary>
    public string DefaultRegion { get; set; }

    public VendorHttpOptions Http { get; set; } = new();

    /// <summary>The configuration section, for messages (set by the registration; until then from the class name).</summary>
    public string Section { get; internal set; }

    /// <summary>True when the vendor has what it needs to pull (credentials, host).</summary>
    public abstract bool IsConfigured { get; }

    /// <summary>What <see cref="IsConfigured"/> lacks, for the message when the vendor is enabled without it.</summary>
    protected abstract string MissingSettings { get; }

    /// <summary>The credentials among the settings: never logged, masked in any text quoted from a response.</summary>
    protected abstract IEnumerable<string?> Secrets { get; }

    /// <summary><paramref name="text"/> with every configured secret replaced by <c>***</c>.</summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in Secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }

    /// <summary>A base URL with exactly one trailing slash, so relative paths append instead of replacing its last segment.</summary>
    public static Uri WithTrailingSlash(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var r in ValidateNested(Pull))
        {
            yield return Prefixed(r);
        }
        if (!VendorClock.IsKnownZone(TimeZone))
        {
            yield return new ValidationResult($"{Section}:TimeZone '{TimeZone}' is not a known IANA time zone.", [nameof(TimeZone)]);
        }
        if (!PhoneNumberNormalizer.IsKnownRegion(DefaultRegion))
        {
            yield return new ValidationResult($"{Section}:DefaultRegion '{DefaultRegion}' is not an ISO region code.", [nameof(DefaultRegion)]);
        }
        if (Pull.Enabled && !IsConfigured)
        {
            yield return new ValidationResult($"{Section} is enabled but lacks {MissingSettings}.", [nameof(IsConfigured)]);
        }
        foreach (var r in ValidateNested(Http))
        {
            yield return Prefixed(r);
        }
        foreach (var r in ValidateVendor())
        {
            yield return r;
        }
    }

    /// <summary>The vendor's own checks; messages name the setting as <c>{Section}:Name</c>.</summary>
    protected virtual IEnumerable<ValidationResult> ValidateVendor() => [];

    /// <summary>A nested object's attributes ([Range]...) and its own checks, which the options validation does not reach.</summary>
    private static List<ValidationResult> ValidateNested(object nested)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(nested, new ValidationContext(nested), results, validateAllProperties: true);
        return results;
    }

    private ValidationResult Prefixed(ValidationResult r) => new($"{Section}: {r.ErrorMessage}", r.MemberNames);
}

/// <summary>A nested options object read from its parent's section rather than a sub-section of its own.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SameSectionAttribute : Attribute;
