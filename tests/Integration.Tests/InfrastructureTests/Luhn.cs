namespace Sluice.IntegrationTests.InfrastructureTests;

/// <summary>The Luhn checksum used by payment card numbers, computed independently of the SQL that made them.</summary>
internal static class Luhn
{
    public static bool IsValid(string digits)
    {
        if (digits.Length < 2)
        {
            return false;
        }

        int sum = 0;
        bool doubleIt = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int digit = digits[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            if (doubleIt)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
