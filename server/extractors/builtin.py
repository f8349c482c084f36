"""The built-in feature extractors, as catalogue data. The vector names, sizes and distances follow
Mixpeek's (text_extractor -> multilingual_e5_large_instruct_v1, 1024-d cosine; image_extractor ->
768-d SigLIP; ...). Extractors that embed the same model declare the same vector, with the same
definition, so a namespace stores it once."""

E5_TEXT_VECTOR = {
    "name": "multilingual_e5_large_instruct_v1",
    "description": "Multilingual E5 large (instruct) text embedding",
    "type": "single",
    "index": {"dimensions": 1024, "type": "dense", "distance": "cosine"},
}

# Text extractors chunk alike: split_by, chunk_size units per chunk, chunk_overlap units shared by
# neighbours; several documents per input when the document output type is `multiple`.
TEXT_PARAMETERS = {
    "properties": {
        "split_by": {
            "type": "string",
            "description": "How to chunk the text before embedding (one document per chunk)",
            "enum": ["none", "characters", "words", "sentences", "paragraphs"],
            "default": "none",
        },
        "chunk_size": {"type": "integer", "description": "Units (of split_by) per chunk", "default": 1000},
        "chunk_overlap": {"type": "integer", "description": "Units each chunk shares with the previous one", "default": 0},
    }
}
TEXT_DEFAULTS = {"split_by": "none", "chunk_size": 1000, "chunk_overlap": 0}
TEXT_OUTPUTS = {
    "properties": {
        "text": {"type": "text", "description": "The embedded text (or chunk)"},
        "chunk_index": {"type": "integer", "description": "Position of the chunk in its text (chunked only)"},
        "start_offset": {"type": "integer", "description": "First character of the chunk in its text (chunked only)"},
        "end_offset": {"type": "integer", "description": "Character after the chunk's last (chunked only)"},
    }
}

# The model behind each vector the built-ins declare: its id, and what it embeds (`text` vectors from
# text inputs, `file` vectors from image or video bytes). None of them ships in a package, so they run
# through an inference provider (or, for image encoders, an ONNX model directory).
MODELS = {
    "multilingual_e5_large_instruct_v1": ("intfloat/multilingual-e5-large-instruct", "text"),
    "google_siglip_base_v1": ("google/siglip-base-patch16-224 (vision)", "file"),
    "vertex_multimodal_embedding": ("Vertex AI multimodalembedding@001", "file"),
    "face_identity_v1_embedding": ("ArcFace (insightface w600k_r50)", "file"),
}

# Extractors that run on any vecplane server, offline: the packaged text model and the image
# fingerprint (see server.extractors.minilm and server.extractors.images).
MINILM_VECTOR = "all_minilm_l6_v2"
FINGERPRINT_VECTOR = "image_fingerprint_v1"

BUILTIN_EXTRACTORS = [
    {
        "feature_extractor_name": "text_extractor",
        "version": "v1",
        "icon": "type",
        "description": "Embeds text with multilingual E5 large (instruct), optionally split into chunks.",
        "input_schema": {"properties": {"text": {"type": "text", "description": "The text to embed", "required": True}}},
        # Mixpeek's outputs: the chunk text (offsets are minilm_text_extractor's addition).
        "output_schema": {"properties": {"text": TEXT_OUTPUTS["properties"]["text"]}},
        "parameter_schema": TEXT_PARAMETERS,
        "supported_input_types": ["text", "string"],
        "default_parameters": TEXT_DEFAULTS,
        "document_output_type": "single",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [E5_TEXT_VECTOR],
        "required_payload_indexes": [],
    },
    {
        "feature_extractor_name": "image_extractor",
        "version": "v1",
        "icon": "image",
        "description": "Embeds images with SigLIP (base, patch 16, 224) and can caption them.",
        "input_schema": {"properties": {"image": {"type": "image", "description": "The image to embed", "required": True}}},
        "output_schema": {
            "properties": {
                "thumbnail_url": {"type": "string", "description": "A small preview of the image"},
                "caption": {"type": "string", "description": "A generated caption (when enabled)"},
            }
        },
        "parameter_schema": {
            "properties": {"generate_caption": {"type": "boolean", "description": "Also write a caption", "default": False}}
        },
        "supported_input_types": ["image"],
        "default_parameters": {"generate_caption": False},
        "document_output_type": "single",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [
            {
                "name": "google_siglip_base_v1",
                "description": "SigLIP image embedding",
                "type": "single",
                "index": {"dimensions": 768, "type": "dense", "distance": "cosine"},
            }
        ],
        "required_payload_indexes": [],
    },
    {
        "feature_extractor_name": "multimodal_extractor",
        "version": "v1",
        "icon": "video",
        "description": "Splits video into segments; embeds each segment (1408-d) and its transcription (E5).",
        "input_schema": {"properties": {"video": {"type": "video", "description": "The video to process", "required": True}}},
        "output_schema": {
            "properties": {
                "start_time": {"type": "number", "description": "Segment start, in seconds"},
                "end_time": {"type": "number", "description": "Segment end, in seconds"},
                "transcription": {"type": "text", "description": "What is said in the segment"},
            }
        },
        "parameter_schema": {
            "properties": {
                "interval_seconds": {"type": "integer", "description": "Segment length", "default": 10},
                "transcribe": {"type": "boolean", "description": "Transcribe speech", "default": True},
            }
        },
        "supported_input_types": ["video"],
        "default_parameters": {"interval_seconds": 10, "transcribe": True},
        "document_output_type": "multiple",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [
            {
                "name": "vertex_multimodal_embedding",
                "description": "Multimodal segment embedding",
                "type": "single",
                "index": {"dimensions": 1408, "type": "dense", "distance": "cosine"},
            },
            E5_TEXT_VECTOR,
        ],
        "required_payload_indexes": [{"field_name": "start_time", "type": "float"}],
    },
    {
        "feature_extractor_name": "face_identity",
        "version": "v1",
        "icon": "scan-face",
        "description": "Detects faces and embeds each with ArcFace, one document per face.",
        "input_schema": {"properties": {"image": {"type": "image", "description": "The image to scan", "required": True}}},
        "output_schema": {
            "properties": {
                "face_bbox": {"type": "array", "items": {"type": "number"}, "description": "x, y, width, height"},
                "detection_score": {"type": "number", "description": "Face detector confidence"},
            }
        },
        "parameter_schema": {
            "properties": {"min_score": {"type": "number", "description": "Skip faces below this confidence", "default": 0.5}}
        },
        "supported_input_types": ["image"],
        "default_parameters": {"min_score": 0.5},
        "document_output_type": "multiple",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [
            {
                "name": "face_identity_v1_embedding",
                "description": "ArcFace face embedding",
                "type": "single",
                "index": {"dimensions": 512, "type": "dense", "distance": "cosine"},
            }
        ],
        "required_payload_indexes": [{"field_name": "detection_score", "type": "float"}],
    },
    {
        "feature_extractor_name": "minilm_text_extractor",
        "version": "v1",
        "icon": "type",
        "description": "Embeds English text with all-MiniLM-L6-v2 (int8 ONNX, packaged, runs offline on the CPU), optionally in chunks.",
        "input_schema": {"properties": {"text": {"type": "text", "description": "The text to embed", "required": True}}},
        "output_schema": TEXT_OUTPUTS,
        "parameter_schema": TEXT_PARAMETERS,
        "supported_input_types": ["text", "string"],
        "default_parameters": TEXT_DEFAULTS,
        "document_output_type": "single",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [
            {
                "name": MINILM_VECTOR,
                "description": "all-MiniLM-L6-v2 sentence embedding (int8), truncated at 256 tokens",
                "type": "single",
                "index": {"dimensions": 384, "type": "dense", "distance": "cosine"},
            }
        ],
        "required_payload_indexes": [],
    },
    {
        "feature_extractor_name": "image_fingerprint",
        "version": "v1",
        "icon": "fingerprint",
        "description": (
            "Near-duplicate image search, offline: a 64-bit perceptual hash plus a 64-bin colour histogram. "
            "Not a semantic embedding: it finds copies, crops and re-encodings, not similar content."
        ),
        "input_schema": {"properties": {"image": {"type": "image", "description": "The image to fingerprint", "required": True}}},
        "output_schema": {
            "properties": {
                "phash": {"type": "string", "description": "The perceptual hash, 16 hex digits"},
                "width": {"type": "integer", "description": "Image width in pixels"},
                "height": {"type": "integer", "description": "Image height in pixels"},
            }
        },
        "parameter_schema": {"properties": {}},
        "supported_input_types": ["image"],
        "default_parameters": {},
        "document_output_type": "single",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [
            {
                "name": FINGERPRINT_VECTOR,
                "description": "Perceptual hash (+-1 per bit) and RGB histogram, each half unit length",
                "type": "single",
                "index": {"dimensions": 128, "type": "dense", "distance": "cosine"},
            }
        ],
        "required_payload_indexes": [],
    },
]
