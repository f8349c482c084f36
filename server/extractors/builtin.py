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

BUILTIN_EXTRACTORS = [
    {
        "feature_extractor_name": "text_extractor",
        "version": "v1",
        "description": "Embeds text with multilingual E5 large (instruct), optionally split into chunks.",
        "input_schema": {"properties": {"text": {"type": "text", "description": "The text to embed", "required": True}}},
        "output_schema": {"properties": {"text": {"type": "text", "description": "The embedded text (or chunk)"}}},
        "parameter_schema": {
            "properties": {
                "split_by": {
                    "type": "string",
                    "description": "How to chunk the text before embedding",
                    "enum": ["none", "sentences", "paragraphs", "characters"],
                    "default": "none",
                },
                "chunk_size": {"type": "integer", "description": "Characters per chunk when split_by is characters", "default": 1000},
            }
        },
        "supported_input_types": ["text", "string"],
        "default_parameters": {"split_by": "none", "chunk_size": 1000},
        "document_output_type": "single",
        "document_input_handling": "individual",
        "document_output_handling": "create_new",
        "required_vector_indexes": [E5_TEXT_VECTOR],
        "required_payload_indexes": [],
    },
    {
        "feature_extractor_name": "image_extractor",
        "version": "v1",
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
]
