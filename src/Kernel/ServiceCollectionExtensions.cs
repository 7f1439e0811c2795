using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VerbRing.Kernel.Handlers;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;

namespace VerbRing.Kernel;

/// <summary>Composes the kernel in a DI container: <c>services.AddVerbRing(...)</c>, and custom verbs with <c>AddVerb</c>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the kernel: the built-in verbs, the dispatch table, the in-memory namespace and the system clock
    /// (each only if not registered already), and <see cref="IRingFactory"/>.
    /// </summary>
    public static IServiceCollection AddVerbRing(this IServiceCollection services, Action<VerbRingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<VerbRingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        foreach (var verb in BuiltInVerbs.Create())
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IVerbHandler), verb.GetType()));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<INamespace>(sp => new MemoryNamespace(sp.GetRequiredService<IOptions<VerbRingOptions>>().Value.MaxFileSize));
        services.TryAddSingleton(sp => new VerbTable(sp.GetServices<IVerbHandler>()));
        services.TryAddSingleton<IRingFactory>(sp => new RingFactory(
            sp.GetRequiredService<IOptions<VerbRingOptions>>().Value,
            sp.GetRequiredService<VerbTable>(),
            sp.GetRequiredService<INamespace>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Adds a custom verb; its op code must not clash with another verb's.</summary>
    public static IServiceCollection AddVerb<TVerb>(this IServiceCollection services)
        where TVerb : class, IVerbHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IVerbHandler, TVerb>());
        return services;
    }
}
