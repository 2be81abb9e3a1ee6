using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Refuses a request body with a null where the request type says there is none: a null element of a list
/// (<c>"stops":[null]</c>) or a null non-nullable property (<c>"person":null</c>, a missing non-nullable string). One
/// filter on the API group guards every endpoint, so services never meet such a null (before, a NullReferenceException
/// and a 500). The answer is the usual 400 with each offending path (<c>stops[0]</c>, <c>person</c>) coded
/// <c>required</c>. What may be null is read from the types' nullable annotations, once per type.
/// </summary>
public static class RequiredInput
{
    public const string Code = "required";
    private const int MaxDepth = 32;

    /// <summary>Adds the check to every endpoint of the group whose handler takes a body of the platform's own types.</summary>
    public static TBuilder RequireNonNullInput<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var isService = context.ApplicationServices.GetService<Microsoft.Extensions.DependencyInjection.IServiceProviderIsService>();
            var checks = context.MethodInfo.GetParameters()
                .Select((p, i) => (Index: i, Shape: IsBody(p, isService) ? ShapeOf(p) : null))
                .Where(c => c.Shape is not null)
                .Select(c => (c.Index, Shape: c.Shape!))
                .ToArray();
            if (checks.Length == 0) return next;
            return invocation =>
            {
                List<FieldError>? errors = null;
                foreach (var (index, shape) in checks)
                    Check(invocation.Arguments[index], shape, "", ref errors, 0);
                if (errors is not null) throw new ValidationFailedException(errors);
                return next(invocation);
            };
        });
        return builder;
    }

    private static bool IsBody(ParameterInfo p, Microsoft.Extensions.DependencyInjection.IServiceProviderIsService? isService)
    {
        var attributes = p.GetCustomAttributes(true);
        if (attributes.OfType<IFromBodyMetadata>().Any()) return true;
        if (attributes.Any(a => a is IFromServiceMetadata or IFromQueryMetadata or IFromRouteMetadata or IFromHeaderMetadata or IFromFormMetadata or AsParametersAttribute))
            return false;
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        if (isService?.IsService(type) == true) return false;
        // Types that bind themselves from the query or the route.
        if (type.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name is "TryParse" or "BindAsync")) return false;
        return IsOurs(type) || ElementOf(type) is { } element && IsOurs(element);
    }

    private static Shape? ShapeOf(ParameterInfo p)
    {
        var shape = Shape.Of(new NullabilityInfoContext().Create(p));
        return shape.Checks ? shape : null;
    }

    private static void Check(object? value, Shape shape, string path, ref List<FieldError>? errors, int depth)
    {
        if (value is null)
        {
            if (shape.NotNull) (errors ??= []).Add(new FieldError(path.Length == 0 ? "body" : path, Code));
            return;
        }
        if (depth > MaxDepth || value is string) return;
        if (shape.Element is { } element && value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items) Check(item, element, $"{path}[{i++}]", ref errors, depth + 1);
            return;
        }
        var type = value.GetType();
        if (!IsOurs(type)) return;
        foreach (var property in Properties.GetOrAdd(type, Plan))
            Check(property.Get(value), property.Shape, path.Length == 0 ? property.Name : $"{path}.{property.Name}", ref errors, depth + 1);
    }

    /// <summary>The platform's own request types (records and classes): their properties are checked too.</summary>
    private static bool IsOurs(Type type) =>
        !type.IsEnum && !type.IsPrimitive && type.Namespace is { } ns && (ns == "Fangkong" || ns.StartsWith("Fangkong.", StringComparison.Ordinal));

    private static Type? ElementOf(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private sealed record Property(string Name, Func<object, object?> Get, Shape Shape);

    private static readonly ConcurrentDictionary<Type, Property[]> Properties = new();

    /// <summary>The properties JSON binds (settable, or set by the constructor), with their JSON names and shapes.</summary>
    private static Property[] Plan(Type type)
    {
        var context = new NullabilityInfoContext();
        var constructorNames = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0
                && (p.SetMethod is not null || constructorNames.Contains(p.Name))
                && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => new Property(p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                p.GetValue, Shape.Of(context.Create(p))))
            .Where(p => p.Shape.Checks || p.Shape.Recurses)
            .ToArray();
    }

    /// <summary>What a declared type allows: null or not, and for a list, what its elements allow.</summary>
    private sealed record Shape(bool NotNull, Shape? Element, bool Recurses)
    {
        public bool Checks => NotNull || Element is not null || Recurses;

        public static Shape Of(NullabilityInfo info)
        {
            var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
            var notNull = !info.Type.IsValueType && info.ReadState == NullabilityState.NotNull;
            Shape? element = null;
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                var elementInfo = type.IsArray ? info.ElementType : info.GenericTypeArguments.Length == 1 ? info.GenericTypeArguments[0] : null;
                if (elementInfo is not null)
                {
                    var e = Of(elementInfo);
                    if (e.Checks) element = e;
                }
            }
            return new Shape(notNull, element, element is null && IsOurs(type));
        }
    }
}
