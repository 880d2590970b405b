//! Whether this CPU can run the built-in llama.cpp.
//!
//! The vendored llama.cpp is compiled for the x86-64 extensions common since about 2015 (AVX, AVX2,
//! FMA, F16C, BMI2 — ggml's defaults when the build is not tuned to the build machine). On an older
//! x86-64 CPU its code would die on an illegal instruction, so the provider checks first and says so
//! plainly instead. Other architectures use their own baseline and need no check.

/// The missing CPU features, or `Ok` when llama.cpp can run here.
pub fn check() -> Result<(), String> {
    #[cfg(target_arch = "x86_64")]
    {
        let wanted = [
            ("SSE4.2", std::arch::is_x86_feature_detected!("sse4.2")),
            ("AVX", std::arch::is_x86_feature_detected!("avx")),
            ("AVX2", std::arch::is_x86_feature_detected!("avx2")),
            ("FMA", std::arch::is_x86_feature_detected!("fma")),
            ("F16C", std::arch::is_x86_feature_detected!("f16c")),
            ("BMI2", std::arch::is_x86_feature_detected!("bmi2")),
        ];
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|(_, present)| !present)
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "this processor lacks {} which Hearth's built-in local models need (x86-64 with AVX2, \
                 as in most processors since 2015); use a model server such as Ollama instead",
                missing.join(", ")
            ));
        }
    }
    Ok(())
}
