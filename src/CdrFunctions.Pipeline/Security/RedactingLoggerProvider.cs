using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Security;

/// <summary>
/// Wraps a logger provider (the local host's console) so that every message and exception text passes through a
/// <see cref="SecretRedactor"/>: ASP.NET Core's request logs write URLs with <c>?code=</c>, and any log line that quotes
/// a vendor URL would carry <c>app_token</c>.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, SecretRedactor redactor) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var redacted = exception is null ? null : RedactedException.Of(exception, redactor);
            inner.Log(logLevel, eventId, state, redacted, (s, _) => redactor.Redact(formatter(s, exception)));
        }
    }

    /// <summary>An exception whose text (message, inner exceptions, stack) has been redacted; the original when nothing was.</summary>
    private sealed class RedactedException(string text, string typeName) : Exception(text)
    {
        public static Exception Of(Exception exception, SecretRedactor redactor)
        {
            var text = exception.ToString();
            var redacted = redactor.Redact(text);
            return redacted == text ? exception : new RedactedException(redacted, exception.GetType().FullName ?? "Exception");
        }

        public override string ToString() => Message.StartsWith(typeName, StringComparison.Ordinal) ? Message : $"{typeName}: {Message}";
    }
}

public static class RedactingLoggingExtensions
{
    /// <summary>
    /// Wraps every logger provider registered so far (call it after adding them) in a <see cref="RedactingLoggerProvider"/>
    /// that removes the secrets <see cref="SecretRedactor.FromConfiguration"/> finds in <paramref name="configuration"/>.
    /// </summary>
    public static ILoggingBuilder RedactSecrets(this ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var providers = logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && !d.IsKeyedService).ToList();
        foreach (var descriptor in providers)
        {
            logging.Services.Remove(descriptor);
            logging.Services.AddSingleton<ILoggerProvider>(sp =>
                new RedactingLoggerProvider(Create(sp, descriptor), SecretRedactor.FromConfiguration(configuration)));
        }
        return logging;
    }

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
