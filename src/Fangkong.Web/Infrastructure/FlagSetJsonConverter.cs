using System.Text.Json;
using System.Text.Json.Serialization;
using Fangkong.Core;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Reads and writes [Flags] enums (symptoms, vulnerable groups) as the names of their flags ("DryCough, Fatigue"),
/// strictly (<see cref="FlagSet.TryParse{T}"/>): a name the enum does not define, a flag twice or "None" with others is
/// a JSON error, which the API answers as a 400 naming the field. A number is read as it is; whether its bits are
/// flags at all is the services' rule (<see cref="FlagSet.IsDefined{T}"/>). Registered before the general enum converter.
/// </summary>
public sealed class FlagSetJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum && typeToConvert.IsDefined(typeof(FlagsAttribute), false);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String when FlagSet.TryParse<T>(reader.GetString(), out var value):
                    return value;
                case JsonTokenType.Number when reader.TryGetInt64(out var number):
                    return (T)Enum.ToObject(typeof(T), number);
                default:
                    throw new JsonException($"not a set of {typeof(T).Name} names");
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (FlagSet.IsDefined(value)) writer.WriteStringValue(value.ToString());
            else writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
